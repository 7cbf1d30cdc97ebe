package org.seq4j.io;

/**
 * The element types this package reads and writes, named as in the safetensors header.
 *
 * <p>All are stored little-endian. Other safetensors dtypes ({@code F16}, {@code BF16}, {@code U8},
 * {@code BOOL}, ...) are rejected when reading, with a message naming the dtype.
 */
public enum DType {

    /** IEEE 754 binary32, PyTorch {@code torch.float32}. */
    F32(4),

    /** IEEE 754 binary64, PyTorch {@code torch.float64}. */
    F64(8),

    /** Two's complement 32-bit integer, PyTorch {@code torch.int32}. */
    I32(4),

    /** Two's complement 64-bit integer, PyTorch {@code torch.int64}. */
    I64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /**
     * The size of one element in bytes.
     *
     * @return 4 or 8
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Looks up a dtype by its header name.
     *
     * @param name a header dtype name, e.g. {@code "F32"}
     * @return the dtype, or {@code null} if this package does not support it
     */
    static DType fromHeaderName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }
}
