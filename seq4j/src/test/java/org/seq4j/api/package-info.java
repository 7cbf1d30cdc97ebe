/**
 * Tests that build models from seq4j's exported API only, as a user outside the library would: they name
 * only the packages that {@code module-info.java} exports, and nothing package-private
 * ({@link org.seq4j.api.PublicApiOnlyTest} holds them to it). PyTorch references come from the scripts in
 * {@code src/test/python} ({@code make_api_fixtures.py}, {@code make_composition_fixtures.py},
 * {@code make_statedict_fixtures.py}).
 */
package org.seq4j.api;
