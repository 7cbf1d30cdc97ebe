package org.seq4j.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Layouts;

/**
 * One immutable tensor of a safetensors file: a name, a {@link DType}, a shape and the elements in
 * row-major ("C") order.
 *
 * <p>The shape follows PyTorch: {@code []} is a scalar (one element), {@code [C]} a vector, {@code [R, C]}
 * a matrix, and any dimension may be 0 (an empty tensor). The elements are held as little-endian bytes,
 * exactly as in the file; the {@code to...Array()} accessors return fresh arrays, so the tensor cannot be
 * changed through them, and the factories copy their input.
 *
 * <p>The typed accessors never lose information silently: {@link #toFloatArray()} and the matrix
 * conversions need {@link DType#F32}; a {@link DType#F64} tensor must be narrowed explicitly
 * with {@link #narrowToF32()} first. Widening is allowed where it is exact: {@link #toDoubleArray()} reads
 * F32 or F64, {@link #toLongArray()} reads I32 or I64.
 *
 * <p>Matrices: {@link #toMatrix()} reads tensors of rank 0 to 2 ({@code [C]} as {@code (1, C)}); a tensor
 * of higher rank is converted only by saying how, since both layouts of a sequence batch have the same
 * size: {@link #toFlattenedMatrix()} for a time-major {@code [T, B, C]} batch (and states
 * {@code [L·D, B, H]}), {@link #batchFirstToTimeMajorMatrix()} for a batch-first {@code [B, T, C]} one.
 * Writing goes the other way with {@link #of(String, FMatrixRMaj, int...)}, whose shape states the
 * layout of the matrix's rows: a time-major {@code (T·B, C)} matrix is {@code [T, B, C]}; to write it as
 * {@code [B, T, C]}, reorder it first with {@link org.seq4j.tensor.Layouts#timeMajorToBatchFirst}.
 */
public final class NamedTensor {

    /** The key of the metadata entry in a safetensors header; no tensor may have this name. */
    static final String METADATA_KEY = "__metadata__";

    private static final int SHAPE_DISPLAY_LIMIT = 8;

    private final String name;
    private final DType dtype;
    private final int[] shape;
    private final int elementCount;
    private final byte[] data;

    /** Takes ownership of {@code shape} and {@code data}; they must already be consistent. */
    private NamedTensor(String name, DType dtype, int[] shape, int elementCount, byte[] data) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape;
        this.elementCount = elementCount;
        this.data = data;
    }

    /**
     * Wraps bytes read from a validated file, without copying.
     *
     * @param shape owned by the result; every dimension ≥ 0
     * @param data  owned by the result; {@code product(shape) * dtype.byteSize()} bytes, little-endian
     */
    static NamedTensor wrapValidated(String name, DType dtype, int[] shape, byte[] data) {
        return new NamedTensor(name, dtype, shape, data.length / dtype.byteSize(), data);
    }

    // --------------------------------------------------------------------------------------- factories

    /**
     * Creates an {@link DType#F32} tensor.
     *
     * @param name   the tensor's name, e.g. {@code encoder.weight_ih_l0}; not {@code __metadata__}
     * @param values the elements in row-major order; copied, not modified
     * @param shape  the shape; {@code []} (no arguments) for a scalar; its product must equal
     *               {@code values.length}
     * @return the tensor
     * @throws IllegalArgumentException if the name is reserved or not well-formed UTF-16, a dimension is
     *                                  negative, the shape does not match the number of values, or the
     *                                  values need more bytes than one array can hold
     */
    public static NamedTensor of(String name, float[] values, int... shape) {
        int[] checked = checkShape(name, DType.F32, values.length, shape);
        ByteBuffer buf = newBuffer(values.length, DType.F32);
        buf.asFloatBuffer().put(values);
        return new NamedTensor(name, DType.F32, checked, values.length, buf.array());
    }

    /**
     * Creates an {@link DType#F64} tensor.
     *
     * @param name   the tensor's name; not {@code __metadata__}
     * @param values the elements in row-major order; copied, not modified
     * @param shape  the shape; {@code []} (no arguments) for a scalar; its product must equal
     *               {@code values.length}
     * @return the tensor
     * @throws IllegalArgumentException if the name is reserved or not well-formed UTF-16, a dimension is
     *                                  negative, the shape does not match the number of values, or the
     *                                  values need more bytes than one array can hold
     */
    public static NamedTensor of(String name, double[] values, int... shape) {
        int[] checked = checkShape(name, DType.F64, values.length, shape);
        ByteBuffer buf = newBuffer(values.length, DType.F64);
        buf.asDoubleBuffer().put(values);
        return new NamedTensor(name, DType.F64, checked, values.length, buf.array());
    }

    /**
     * Creates an {@link DType#I32} tensor.
     *
     * @param name   the tensor's name; not {@code __metadata__}
     * @param values the elements in row-major order; copied, not modified
     * @param shape  the shape; {@code []} (no arguments) for a scalar; its product must equal
     *               {@code values.length}
     * @return the tensor
     * @throws IllegalArgumentException if the name is reserved or not well-formed UTF-16, a dimension is
     *                                  negative, the shape does not match the number of values, or the
     *                                  values need more bytes than one array can hold
     */
    public static NamedTensor of(String name, int[] values, int... shape) {
        int[] checked = checkShape(name, DType.I32, values.length, shape);
        ByteBuffer buf = newBuffer(values.length, DType.I32);
        buf.asIntBuffer().put(values);
        return new NamedTensor(name, DType.I32, checked, values.length, buf.array());
    }

    /**
     * Creates an {@link DType#I64} tensor.
     *
     * @param name   the tensor's name; not {@code __metadata__}
     * @param values the elements in row-major order; copied, not modified
     * @param shape  the shape; {@code []} (no arguments) for a scalar; its product must equal
     *               {@code values.length}
     * @return the tensor
     * @throws IllegalArgumentException if the name is reserved or not well-formed UTF-16, a dimension is
     *                                  negative, the shape does not match the number of values, or the
     *                                  values need more bytes than one array can hold
     */
    public static NamedTensor of(String name, long[] values, int... shape) {
        int[] checked = checkShape(name, DType.I64, values.length, shape);
        ByteBuffer buf = newBuffer(values.length, DType.I64);
        buf.asLongBuffer().put(values);
        return new NamedTensor(name, DType.I64, checked, values.length, buf.array());
    }

    /**
     * Creates an {@link DType#F32} tensor from a matrix, with an explicit shape: a {@code (1, C)} bias is
     * {@code [C]} in PyTorch, a {@code (T·B, C)} sequence batch may be {@code [T, B, C]}.
     *
     * @param name   the tensor's name; not {@code __metadata__}
     * @param matrix the elements, read in row-major order; not modified
     * @param shape  the shape; its product must equal {@code matrix.getNumElements()}
     * @return the tensor
     * @throws IllegalArgumentException if the name is reserved or not well-formed UTF-16, a dimension is
     *                                  negative, the shape does not match the matrix's element count, or
     *                                  the elements need more bytes than one array can hold
     */
    public static NamedTensor of(String name, FMatrixRMaj matrix, int... shape) {
        int n = matrix.getNumElements();
        int[] checked = checkShape(name, DType.F32, n, shape);
        ByteBuffer buf = newBuffer(n, DType.F32);
        buf.asFloatBuffer().put(matrix.data, 0, n);
        return new NamedTensor(name, DType.F32, checked, n, buf.array());
    }

    // --------------------------------------------------------------------------------------- accessors

    /**
     * The tensor's name.
     *
     * @return the name, as in the safetensors header
     */
    public String name() {
        return name;
    }

    /**
     * The element type.
     *
     * @return the dtype
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The shape.
     *
     * @return a copy of the shape; empty for a scalar
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The number of dimensions.
     *
     * @return the length of the shape; 0 for a scalar
     */
    public int rank() {
        return shape.length;
    }

    /**
     * The number of elements: the product of the shape, 1 for a scalar.
     *
     * @return the element count
     */
    public int elementCount() {
        return elementCount;
    }

    /**
     * The elements of an F32 tensor.
     *
     * @return a new array in row-major order
     * @throws IllegalStateException if the dtype is not F32 (an F64 tensor must be converted explicitly
     *                               with {@link #narrowToF32()})
     */
    public float[] toFloatArray() {
        requireDType("toFloatArray()", DType.F32);
        float[] out = new float[elementCount];
        buffer().asFloatBuffer().get(out);
        return out;
    }

    /**
     * The elements of an F32 or F64 tensor as doubles (F32 values widen exactly).
     *
     * @return a new array in row-major order
     * @throws IllegalStateException if the dtype is I32 or I64
     */
    public double[] toDoubleArray() {
        double[] out = new double[elementCount];
        if (dtype == DType.F64) {
            buffer().asDoubleBuffer().get(out);
        } else {
            requireDType("toDoubleArray()", DType.F32, DType.F64);
            ByteBuffer buf = buffer();
            for (int i = 0; i < elementCount; i++) {
                out[i] = buf.getFloat(4 * i);
            }
        }
        return out;
    }

    /**
     * The elements of an I32 tensor.
     *
     * @return a new array in row-major order
     * @throws IllegalStateException if the dtype is not I32
     */
    public int[] toIntArray() {
        requireDType("toIntArray()", DType.I32);
        int[] out = new int[elementCount];
        buffer().asIntBuffer().get(out);
        return out;
    }

    /**
     * The elements of an I32 or I64 tensor as longs (I32 values widen exactly).
     *
     * @return a new array in row-major order
     * @throws IllegalStateException if the dtype is F32 or F64
     */
    public long[] toLongArray() {
        long[] out = new long[elementCount];
        if (dtype == DType.I64) {
            buffer().asLongBuffer().get(out);
        } else {
            requireDType("toLongArray()", DType.I32, DType.I64);
            ByteBuffer buf = buffer();
            for (int i = 0; i < elementCount; i++) {
                out[i] = buf.getInt(4 * i);
            }
        }
        return out;
    }

    /**
     * The elements of an F32 tensor of rank at most 2 as a new matrix, following the layout convention of
     * {@code org.seq4j.tensor}: a scalar {@code []} becomes {@code (1, 1)}, a vector {@code [C]} becomes
     * {@code (1, C)} (a bias, as {@code org.seq4j.nn.Parameter} holds it), a matrix {@code [R, C]} stays
     * {@code (R, C)}.
     *
     * <p>A tensor of rank 3 or more is refused rather than flattened, because its layout decides which
     * matrix it is: a time-major {@code [T, B, C]} batch flattens to seq4j's {@code (T·B, C)} with
     * {@link #toFlattenedMatrix()}, but a batch-first {@code [B, T, C]} batch flattened the same way would
     * give a {@code (B·T, C)} matrix of the right size whose rows a sequence layer reads as the wrong steps;
     * it needs {@link #batchFirstToTimeMajorMatrix()}.
     *
     * @return a new matrix holding a copy of the elements
     * @throws IllegalStateException if the dtype is not F32 (narrow F64 explicitly with
     *                               {@link #narrowToF32()}), or the rank is above 2 (the message names the
     *                               explicit conversions)
     */
    public FMatrixRMaj toMatrix() {
        requireDType("toMatrix()", DType.F32);
        if (shape.length > 2) {
            throw new IllegalStateException(name + ": toMatrix() reads tensors of rank 0 to 2 but the shape is "
                    + shapeString(shape) + "; convert it explicitly: toFlattenedMatrix() for a time-major"
                    + " [T, B, C] tensor (or any tensor whose leading dimensions are to be merged into rows),"
                    + " batchFirstToTimeMajorMatrix() for a batch-first [B, T, C] tensor");
        }
        return toFlattenedMatrix();
    }

    /**
     * The elements of an F32 tensor of any rank as a new matrix with the leading dimensions merged into
     * rows, as PyTorch's {@code t.reshape(-1, C)}: {@code [A, B, ..., C]} becomes {@code (A·B·..., C)}, a
     * vector {@code [C]} becomes {@code (1, C)} and a scalar {@code (1, 1)}. The elements keep their order.
     *
     * <p>This is the right conversion for a time-major {@code [T, B, C]} sequence batch (giving seq4j's
     * {@code (T·B, C)}, row {@code t·B + b}) and for recurrent states {@code [L·D, B, H]} (giving
     * {@code (L·D·B, H)}). A batch-first {@code [B, T, C]} batch needs {@link #batchFirstToTimeMajorMatrix()}
     * instead.
     *
     * @return a new matrix holding a copy of the elements
     * @throws IllegalStateException if the dtype is not F32 (narrow F64 explicitly with
     *                               {@link #narrowToF32()}), or if the merged row count of an empty
     *                               tensor exceeds {@link Integer#MAX_VALUE}
     */
    public FMatrixRMaj toFlattenedMatrix() {
        requireDType("toFlattenedMatrix()", DType.F32);
        int cols = shape.length == 0 ? 1 : shape[shape.length - 1];
        long rows = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            rows *= shape[i];
            if (rows > Integer.MAX_VALUE) {
                throw new IllegalStateException(
                        name + ": shape " + shapeString(shape) + " has too many rows for a matrix");
            }
        }
        FMatrixRMaj m = new FMatrixRMaj((int) rows, cols);
        buffer().asFloatBuffer().get(m.data, 0, elementCount);
        return m;
    }

    /**
     * The elements of a batch-first F32 sequence batch {@code [B, T, C]} (PyTorch's layout with
     * {@code batch_first=True}) as a new time-major {@code (T·B, C)} matrix, the layout of seq4j's sequence
     * layers: row {@code t·B + b} holds element {@code [b, t, :]}. See
     * {@link org.seq4j.tensor.Layouts#batchFirstToTimeMajor} for the same conversion of a matrix.
     *
     * @return a new {@code (T·B, C)} matrix
     * @throws IllegalStateException if the dtype is not F32 or the rank is not 3
     */
    public FMatrixRMaj batchFirstToTimeMajorMatrix() {
        requireDType("batchFirstToTimeMajorMatrix()", DType.F32);
        if (shape.length != 3) {
            throw new IllegalStateException(name + ": batchFirstToTimeMajorMatrix() needs a [B, T, C] tensor"
                    + " but the shape is " + shapeString(shape));
        }
        FMatrixRMaj batchFirst = toFlattenedMatrix();
        FMatrixRMaj timeMajor = new FMatrixRMaj(batchFirst.numRows, batchFirst.numCols);
        if (shape[0] > 0) {
            Layouts.batchFirstToTimeMajor(batchFirst, shape[0], timeMajor);
        }
        return timeMajor;
    }

    /**
     * This tensor as F32: itself if it is F32, and an F64 tensor with every element rounded to the
     * nearest float (values beyond the float range become infinite) otherwise.
     *
     * @return an F32 tensor with the same name and shape
     * @throws IllegalStateException if the dtype is I32 or I64
     */
    public NamedTensor narrowToF32() {
        if (dtype == DType.F32) {
            return this;
        }
        requireDType("narrowToF32()", DType.F32, DType.F64);
        ByteBuffer in = buffer();
        ByteBuffer out = newBuffer(elementCount, DType.F32);
        for (int i = 0; i < elementCount; i++) {
            out.putFloat(4 * i, (float) in.getDouble(8 * i));
        }
        return new NamedTensor(name, DType.F32, shape, elementCount, out.array());
    }

    /** The raw little-endian bytes, not copied: the caller must not modify them. */
    byte[] rawBytes() {
        return data;
    }

    // --------------------------------------------------------------------------------- value semantics

    /**
     * Tensors are equal when name, dtype, shape and the stored bytes are equal (so NaNs with the same bit
     * pattern are equal, and {@code 0.0f} differs from {@code -0.0f}).
     *
     * @param o the object to compare with
     * @return whether {@code o} is an equal tensor
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof NamedTensor)) {
            return false;
        }
        NamedTensor t = (NamedTensor) o;
        return name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data);
    }

    /**
     * A hash consistent with {@link #equals(Object)}.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return 31 * (31 * (31 * name.hashCode() + dtype.hashCode()) + Arrays.hashCode(shape))
                + Arrays.hashCode(data);
    }

    /**
     * Name, dtype and shape, for messages: {@code encoder.weight_ih_l0 F32 [512, 128]}.
     *
     * @return the description
     */
    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeString(shape);
    }

    // ---------------------------------------------------------------------------------------- helpers

    private ByteBuffer buffer() {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer newBuffer(int elements, DType dtype) {
        return ByteBuffer.allocate(elements * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void requireDType(String method, DType... allowed) {
        for (DType d : allowed) {
            if (dtype == d) {
                return;
            }
        }
        String hint = dtype == DType.F64 && allowed[0] == DType.F32
                ? "; narrow it explicitly with narrowToF32() first" : "";
        throw new IllegalStateException(name + ": " + method + " needs dtype "
                + (allowed.length == 1 ? allowed[0] : Arrays.toString(allowed)) + " but the tensor is "
                + dtype + hint);
    }

    /** Checks a tensor name for use in a file; returns it. */
    static String checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("tensor name must not be null");
        }
        if (name.equals(METADATA_KEY)) {
            throw new IllegalArgumentException(
                    "tensor name must not be " + METADATA_KEY + ", which the format reserves for metadata");
        }
        int bad = JsonWriter.firstUnpairedSurrogate(name);
        if (bad >= 0) {
            throw new IllegalArgumentException("tensor name " + JsonWriter.quoteForMessage(name)
                    + " has an unpaired surrogate at index " + bad + " and cannot be written as UTF-8");
        }
        return name;
    }

    /**
     * Checks the name, that {@code shape} is non-negative with product {@code count}, and that the bytes
     * fit in one array; returns a copy of the shape.
     */
    private static int[] checkShape(String name, DType dtype, int count, int[] shape) {
        checkName(name);
        long product = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        name + ": dimensions must be non-negative but shape was " + shapeString(shape));
            }
            // Saturate: a product above Integer.MAX_VALUE can never match an array length.
            product = Math.min(product * d, (long) Integer.MAX_VALUE + 1);
        }
        if (product != count) {
            throw new IllegalArgumentException(name + ": shape " + shapeString(shape) + " holds "
                    + (product > Integer.MAX_VALUE ? "more than " + Integer.MAX_VALUE : product)
                    + (product == 1 ? " element" : " elements") + " but " + count + " values were given");
        }
        if ((long) count * dtype.byteSize() > SafetensorsReader.MAX_ARRAY_BYTES) {
            throw new IllegalArgumentException(name + ": " + count + " " + dtype + " values need more than "
                    + SafetensorsReader.MAX_ARRAY_BYTES + " bytes, the largest tensor supported");
        }
        return shape.clone();
    }

    /** Formats a shape as {@code [2, 3]}, eliding the middle of very long shapes. */
    static String shapeString(int[] shape) {
        if (shape.length <= SHAPE_DISPLAY_LIMIT) {
            return Arrays.toString(shape);
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < SHAPE_DISPLAY_LIMIT / 2; i++) {
            sb.append(shape[i]).append(", ");
        }
        sb.append("... (").append(shape.length).append(" dimensions) ...");
        for (int i = shape.length - SHAPE_DISPLAY_LIMIT / 2; i < shape.length; i++) {
            sb.append(", ").append(shape[i]);
        }
        return sb.append(']').toString();
    }
}
