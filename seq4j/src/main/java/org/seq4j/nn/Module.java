package org.seq4j.nn;

/**
 * Anything with trainable parameters.
 *
 * <p>A module creates its parameters in its constructor and registers them, in a fixed order, in the
 * registry that {@link #parameters()} returns. Its forward pass returns the output together with
 * whatever the backward pass needs; its backward pass adds into the parameters' gradients.
 */
public interface Module {

    /**
     * The module's parameters, in registration order, named as PyTorch names them where PyTorch has the
     * same module.
     *
     * @return the registry (the same live object on every call)
     */
    Parameters parameters();
}
