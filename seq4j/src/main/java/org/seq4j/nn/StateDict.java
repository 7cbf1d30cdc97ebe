package org.seq4j.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.io.DType;
import org.seq4j.io.NamedTensor;
import org.seq4j.io.TensorFile;
import org.seq4j.kernel.VectorMath;

/**
 * Saves and loads the parameters of a module tree as a PyTorch state dict in a safetensors file: one F32
 * tensor per parameter, under the registry's names ({@code embedding.weight}, {@code encoder.weight_ih_l0},
 * {@code head.bias}) and PyTorch's shapes (a bias {@code [C]}, held by seq4j as a {@code (1, C)} matrix;
 * a weight {@code [R, C]}).
 *
 * <p>A seq4j module tree whose registry has the names and shapes of a PyTorch module's
 * {@code state_dict()} exchanges weights with it both ways:
 * <pre>
 *   PyTorch                                                   seq4j
 *   safetensors.torch.save_model(model, "m.safetensors")      StateDict.load(model.parameters(), path)
 *   safetensors.torch.load_model(model, "m.safetensors")      StateDict.save(model.parameters(), path)
 * </pre>
 * ({@code save_file(model.state_dict(), ...)} and {@code load_state_dict(load_file(...))} work as well
 * for models without tied weights.)
 *
 * <h2>Loading</h2>
 * The file is compared with the registry first, name by name: a parameter without a tensor is
 * <em>missing</em>, a tensor without a parameter <em>unexpected</em>, a tensor of another shape or of a
 * dtype other than F32 or holding a NaN or infinite value <em>mismatched</em> (see {@link StateDictReport}).
 * <ul>
 *   <li><b>Strict</b> (the default, as in PyTorch): any mismatch throws one
 *       {@link StateDictMismatchException} listing all of them, and no parameter is modified.</li>
 *   <li><b>Non-strict</b>: every tensor that fits is copied into its parameter, the rest is left as it
 *       is, and the returned {@link StateDictReport} lists what was not loaded. Unlike PyTorch, whose
 *       non-strict load still fails on a shape mismatch, a mismatched name is skipped and reported too.</li>
 * </ul>
 * Values are copied into the existing matrices, so modules, optimizers and caches that hold them see the
 * new values; gradients are not touched.
 *
 * <h2>Tied weights</h2>
 * A parameter registered under two names (an embedding table that is also the output layer's weight) is
 * written under both, with equal values, as PyTorch's {@code state_dict()} lists both. On load either name
 * suffices (PyTorch's {@code save_model} keeps only one of them); when the file holds both, their values
 * must be equal, or the second name is reported as mismatched.
 *
 * <h2>Files</h2>
 * Saving is atomic ({@link TensorFile#write(Path)}): a reader sees the old file or the complete new one,
 * and a failed save leaves the old file unchanged. The file carries the metadata {@code format = pt}, as
 * PyTorch's {@code safetensors} writes it. A file that is not a valid safetensors file (truncated, corrupt,
 * or another format, such as a pickled {@code torch.save} archive) fails with
 * {@link org.seq4j.io.SafetensorsFormatException} before any parameter is compared.
 */
public final class StateDict {

    /** The metadata key PyTorch's {@code safetensors} writes the framework under. */
    public static final String FORMAT_KEY = "format";

    /** The value of {@link #FORMAT_KEY} written by {@link #save}: PyTorch. */
    public static final String FORMAT_PYTORCH = "pt";

    private StateDict() {
    }

    /**
     * The parameters as a state dict: one F32 tensor per registered name, in registration order, with the
     * parameter's PyTorch shape and a copy of its value, and the metadata {@code format = pt}.
     *
     * @param parameters the registry; not modified
     * @return the file's contents, for {@link TensorFile#write(Path)} or to combine with other tensors
     * @throws IllegalArgumentException if a name cannot be a tensor name ({@code __metadata__})
     */
    public static TensorFile toTensorFile(Parameters parameters) {
        TensorFile.Builder file = TensorFile.builder().putMetadata(FORMAT_KEY, FORMAT_PYTORCH);
        for (String name : stateDictNames(parameters)) {
            Parameter p = parameters.get(name);
            file.add(NamedTensor.of(name, p.value(), p.shape()));
        }
        return file.build();
    }

    /**
     * Saves the parameters as a state dict, atomically (see {@link #toTensorFile(Parameters)}).
     *
     * @param parameters the registry; not modified
     * @param file       the file to create or replace; its directory must exist
     * @throws IOException              if writing fails; an existing file is then unchanged
     * @throws IllegalArgumentException if a name cannot be a tensor name, or {@code file} names no file
     */
    public static void save(Parameters parameters, Path file) throws IOException {
        toTensorFile(parameters).write(file);
    }

    /**
     * Loads a state dict strictly: every parameter must have a tensor of its shape, and every tensor must
     * name a parameter.
     *
     * @param parameters the registry; the values of its parameters are overwritten, or left unchanged if
     *                   the load fails
     * @param file       a safetensors file
     * @throws StateDictMismatchException                if any name is missing, unexpected or mismatched; all
     *                                                   of them are listed, and nothing is loaded
     * @throws org.seq4j.io.SafetensorsFormatException if the file is not a valid safetensors file
     * @throws IOException                               if the file cannot be read
     */
    public static void load(Parameters parameters, Path file) throws IOException {
        load(parameters, file, true);
    }

    /**
     * Loads a state dict, strictly or not.
     *
     * @param parameters the registry; the values of the parameters that are loaded are overwritten
     * @param file       a safetensors file
     * @param strict     true to fail on any mismatch without loading anything; false to load what fits
     * @return what was loaded and what was not ({@link StateDictReport#isComplete()} after a strict load)
     * @throws StateDictMismatchException                if {@code strict} and any name is missing,
     *                                                   unexpected or mismatched; nothing is loaded then
     * @throws org.seq4j.io.SafetensorsFormatException if the file is not a valid safetensors file
     * @throws IOException                               if the file cannot be read
     */
    public static StateDictReport load(Parameters parameters, Path file, boolean strict) throws IOException {
        return load(parameters, TensorFile.read(file), strict, file.toString());
    }

    /**
     * Loads a state dict held in memory, strictly or not (see {@link #load(Parameters, Path, boolean)}).
     *
     * @param parameters the registry; the values of the parameters that are loaded are overwritten
     * @param file       the tensors; not modified
     * @param strict     true to fail on any mismatch without loading anything; false to load what fits
     * @return what was loaded and what was not
     * @throws StateDictMismatchException if {@code strict} and any name is missing, unexpected or
     *                                    mismatched; nothing is loaded then
     */
    public static StateDictReport load(Parameters parameters, TensorFile file, boolean strict)
            throws StateDictMismatchException {
        return load(parameters, file, strict, "state dict");
    }

    private static StateDictReport load(Parameters parameters, TensorFile file, boolean strict, String source)
            throws StateDictMismatchException {
        List<String> names = stateDictNames(parameters);
        List<String> loaded = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        Map<String, String> mismatched = new LinkedHashMap<>();
        // the first name loaded into each value matrix: a tied parameter is loaded once any name matches
        Map<FMatrixRMaj, String> loadedAs = new IdentityHashMap<>();
        for (String name : names) {
            Parameter p = parameters.get(name);
            if (!file.contains(name)) {
                absent.add(name);
                continue;
            }
            NamedTensor t = file.get(name);
            if (t.dtype() != DType.F32 || !Arrays.equals(t.shape(), p.shape())) {
                mismatched.put(name, "file " + t.dtype() + " " + Arrays.toString(t.shape()) + ", parameter F32 "
                        + Arrays.toString(p.shape()));
                continue;
            }
            float[] values = t.toFloatArray();
            int bad = VectorMath.firstNonFinite(values, values.length);
            if (bad >= 0) {
                mismatched.put(name, "holds " + values[bad] + " at " + elementIndex(p.shape(), bad)
                        + " (a parameter must be finite)");
                continue;
            }
            String tiedTo = loadedAs.get(p.value());
            if (tiedTo != null && !Arrays.equals(values, file.get(tiedTo).toFloatArray())) {
                mismatched.put(name, "holds other values than '" + tiedTo + "', which is the same parameter");
                continue;
            }
            loadedAs.putIfAbsent(p.value(), name);
            loaded.add(name);
        }
        List<String> missing = new ArrayList<>();
        for (String name : absent) {
            if (!loadedAs.containsKey(parameters.get(name).value())) {
                missing.add(name);
            }
        }
        Set<String> known = new HashSet<>(names);
        List<String> unexpected = new ArrayList<>();
        for (String name : file.names()) {
            if (!known.contains(name)) {
                unexpected.add(name);
            }
        }
        StateDictReport report = new StateDictReport(source, loaded, missing, unexpected, mismatched);
        if (strict && !report.isComplete()) {
            throw new StateDictMismatchException(report);
        }
        for (String name : loaded) {
            float[] values = file.get(name).toFloatArray();
            System.arraycopy(values, 0, parameters.get(name).value().data, 0, values.length);
        }
        return report;
    }

    /** An element's index as {@code [row, column]} (or {@code [i]} for a vector), for messages. */
    private static String elementIndex(int[] shape, int flat) {
        return shape.length == 2 ? "[" + flat / shape[1] + ", " + flat % shape[1] + "]" : "[" + flat + "]";
    }

    /**
     * Every name of the registry, in registration order, including every name of a parameter registered
     * more than once: the keys of PyTorch's {@code state_dict()}.
     */
    private static List<String> stateDictNames(Parameters parameters) {
        return parameters.stateDictNames();
    }
}
