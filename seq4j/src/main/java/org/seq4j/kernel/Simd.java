package org.seq4j.kernel;

import java.lang.reflect.InvocationTargetException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the explicitly vectorised kernels, written with the JDK's Vector API ({@code jdk.incubator.vector}),
 * when the running JVM has that module; otherwise seq4j computes with its plain-Java kernels, which
 * HotSpot vectorises on its own.
 *
 * <p>The Vector API is an incubator module: the JVM resolves it only when started with
 * {@code --add-modules jdk.incubator.vector} (and then prints a one-line warning). The vectorised
 * kernels live in classes of their own, loaded here by name, so that no other class refers to the
 * module and seq4j works unchanged without it. Both kinds of kernel compute the same chains of fused
 * multiply-adds, so results do not depend on which one ran.
 *
 * <p>Set the system property {@value #PROPERTY} to {@code false} to use the plain-Java kernels even
 * when the module is present.
 */
public final class Simd {

    /** System property that turns the vectorised kernels off when set to {@code false}. */
    static final String PROPERTY = "seq4j.simd";

    /** Name of the Vector API module. */
    static final String MODULE = "jdk.incubator.vector";

    private static final Logger LOG = LoggerFactory.getLogger(Simd.class);

    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim());

    private static final boolean MODULE_PRESENT = ModuleLayer.boot().findModule(MODULE).isPresent();

    private Simd() {
    }

    /**
     * Returns whether the vectorised kernels may be used: the module is present and not turned off.
     *
     * @return true if {@link #load} may return an implementation
     */
    public static boolean available() {
        return ENABLED && MODULE_PRESENT;
    }

    /**
     * Loads and instantiates a vectorised implementation of {@code type} by class name, through its
     * no-argument constructor.
     *
     * @param type      the interface the class implements
     * @param className fully qualified name of the implementation
     * @param <T>       the interface
     * @return the implementation, or empty if the Vector API is not available (or the class fails to
     *         initialise, which is logged)
     */
    public static <T> Optional<T> load(Class<T> type, String className) {
        if (!available()) {
            LOG.debug("{}: plain-Java kernels ({} {})", type.getSimpleName(),
                    MODULE_PRESENT ? "turned off by -D" + PROPERTY + "=false," : "no module",
                    MODULE_PRESENT ? MODULE + " present" : MODULE);
            return Optional.empty();
        }
        try {
            // seq4j's module does not declare the optional incubator module; read it now (a no-op on the
            // class path, where everything is read)
            ModuleLayer.boot().findModule(MODULE).ifPresent(Simd.class.getModule()::addReads);
            // the implementations are package-private classes of seq4j's own packages
            java.lang.reflect.Constructor<?> constructor = Class.forName(className).getDeclaredConstructor();
            constructor.setAccessible(true);
            Object kernels = constructor.newInstance();
            LOG.debug("{}: vectorised kernels {}", type.getSimpleName(), kernels);
            return Optional.of(type.cast(kernels));
        } catch (ReflectiveOperationException | LinkageError e) {
            // a constructor's own failure comes wrapped: report the cause
            Throwable cause = e instanceof InvocationTargetException && e.getCause() != null ? e.getCause() : e;
            LOG.warn("{}: cannot load the vectorised kernels {} ({}); using the plain-Java kernels",
                    type.getSimpleName(), className, cause.toString());
            return Optional.empty();
        }
    }
}
