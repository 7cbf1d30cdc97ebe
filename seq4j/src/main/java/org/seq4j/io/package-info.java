/**
 * Reading and writing tensors in the safetensors format, the format of seq4j's test fixtures and
 * checkpoints and a common way to exchange weights with PyTorch (via the {@code safetensors} package).
 *
 * <p>Start with {@link org.seq4j.io.TensorFile} (a whole file: ordered tensors and metadata, with
 * {@code read} and {@code write}) and {@link org.seq4j.io.NamedTensor} (one tensor, with typed accessors
 * and matrix conversions that state the layout of a sequence batch). Malformed input throws
 * {@link org.seq4j.io.SafetensorsFormatException}.
 *
 * <p>{@link org.seq4j.io.Checkpoint} is the one checkpoint path of seq4j's models: named tensors and string
 * metadata of one kind of model in a safetensors file, with a CRC-32C over a canonical serialisation of
 * all of it (every tensor name, dtype, shape and element, every metadata entry), verified before anything
 * is used; a file that does not pass throws {@link org.seq4j.io.CheckpointFormatException}.
 * {@link org.seq4j.io.AtomicFiles} replaces files atomically for every save.
 *
 * <p>{@link org.seq4j.io.JsonReader} and {@link org.seq4j.io.JsonWriter} are seq4j's one JSON reader and
 * writer, for safetensors headers, checkpoint metadata and vocabulary files: a strict pull parser that
 * rejects everything RFC 8259 rejects ({@link org.seq4j.io.JsonFormatException}, with the byte offset)
 * and a compact writer whose numbers read back bit for bit.
 *
 * <h2>The format</h2>
 * A file has three parts:
 * <pre>
 *   bytes 0..7          N, the header length: unsigned 64-bit little-endian integer
 *   bytes 8..8+N-1      the header: a UTF-8 JSON object, possibly padded with trailing spaces
 *   bytes 8+N..end      the data buffer: the tensors' elements
 * </pre>
 * The header maps each tensor name to its dtype, its shape and the byte range of its elements in the
 * data buffer ({@code [begin, end)}, relative to the start of the buffer). An optional
 * {@code __metadata__} entry maps strings to strings:
 * <pre>{@code
 * {"__metadata__":{"format":"pt"},
 *  "weight_ih_l0":{"dtype":"F32","shape":[512,128],"data_offsets":[0,262144]},
 *  "bias_ih_l0":{"dtype":"F32","shape":[512],"data_offsets":[262144,264192]}}
 * }</pre>
 * Elements are stored in row-major ("C") order, little-endian. The shape {@code []} is a scalar (one
 * element); a dimension may be 0 (an empty tensor, with {@code begin == end}).
 *
 * <h2>What this package supports</h2>
 * <ul>
 *   <li>The dtypes {@code F32}, {@code F64}, {@code I32} and {@code I64} ({@link org.seq4j.io.DType});
 *       a file with any other dtype is rejected with a message naming it.</li>
 *   <li>Writing follows the reference implementation (the Rust crate behind PyTorch's
 *       {@code safetensors} package): compact JSON, {@code __metadata__} first, header padded with spaces
 *       to a multiple of 8 bytes, tensors contiguous in the file's order (the reference writer sorts them
 *       by dtype and name instead; both orders are valid).</li>
 *   <li>Saving to a path is atomic: a temporary file in the same directory, forced to the device, then
 *       renamed over the target.</li>
 * </ul>
 *
 * <h2>Validation on read</h2>
 * Reading treats its input as untrusted and rejects, with a message saying what and where:
 * a header length below 2, above 100,000,000 bytes or beyond the end of the input; a header that is not
 * valid UTF-8, does not start with <code>{</code> or is not one JSON object (the JSON may contain only
 * objects, arrays, strings and integers; duplicate keys are errors); an entry that is not an object with
 * exactly the fields {@code dtype} (a supported dtype name), {@code shape} (non-negative integers up to
 * {@link java.lang.Integer#MAX_VALUE}) and {@code data_offsets} (two non-negative integers, begin ≤ end);
 * a byte range whose length differs from the shape's element count times the dtype size (computed
 * without overflow) or that extends past the data buffer; two tensors whose byte ranges share a byte;
 * metadata that is not an object of strings; tensors that claim more bytes together than a limit (by
 * default the maximum heap size, checked after the header and before any tensor is allocated). Bytes of
 * the data buffer that no tensor covers are allowed and ignored. No array larger than the input justifies
 * is ever allocated, and each tensor is read once, straight into its own array. A path that is a
 * directory is rejected with a message saying so.
 */
package org.seq4j.io;
