package org.seq4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.Parameters;
import org.seq4j.testing.Fixtures;

/**
 * Moves a PyTorch fixture's state_dict into a seq4j registry by name and compares gradients by name: what a
 * user does with the public {@link Parameters} and {@link TensorFile} to run a model trained elsewhere.
 */
final class StateDicts {

    private StateDicts() {
    }

    /**
     * Checks that the registry's names, aliases included, are the fixture's PyTorch state_dict keys in order,
     * and copies every value in.
     */
    static void load(TensorFile fixture, Parameters parameters) {
        assertEquals(Arrays.asList(fixture.metadata().get("state_dict_keys").split(",")),
                parameters.stateDictNames(), "state_dict keys");
        for (String name : parameters.stateDictNames()) {
            parameters.get(name).value().setTo(Fixtures.matrix(fixture, name));
        }
    }

    /** Compares the gradient of every state_dict key (a shared parameter under each of its keys). */
    static void assertGradientsMatch(TensorFile fixture, Parameters parameters) {
        for (String name : parameters.stateDictNames()) {
            Fixtures.assertMatches("grad." + name, Fixtures.matrix(fixture, "grad." + name),
                    parameters.get(name).grad());
        }
    }

    /** Compares every parameter with the fixture's values under {@code prefix + key}. */
    static void assertValuesMatch(TensorFile fixture, String prefix, Parameters parameters) {
        for (String name : parameters.stateDictNames()) {
            Fixtures.assertMatches(prefix + name, Fixtures.matrix(fixture, prefix + name),
                    parameters.get(name).value());
        }
    }
}
