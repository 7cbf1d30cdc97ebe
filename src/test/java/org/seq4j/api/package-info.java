/**
 * Tests that build models from seq4j's exported API only, as a user outside the library would: they may
 * use {@code org.seq4j.nn}, {@code rnn}, {@code optim}, {@code io}, {@code check}, {@code text},
 * {@code data}, and {@code org.seq4j.tensor.Tensors}, and nothing package-private
 * ({@link org.seq4j.api.PublicApiOnlyTest} holds them to it). PyTorch references come from
 * {@code src/test/python/make_composition_fixtures.py}.
 */
package org.seq4j.api;
