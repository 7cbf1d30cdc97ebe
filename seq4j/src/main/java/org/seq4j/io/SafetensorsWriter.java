package org.seq4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes a {@link TensorFile} in the safetensors format, laid out as the reference implementation does:
 * a compact JSON header with {@code __metadata__} first (when there is metadata) and each entry's fields
 * in the order {@code dtype, shape, data_offsets}, padded with spaces so that the data buffer starts at a
 * multiple of 8 bytes; then the tensors' bytes back to back, in the file's tensor order.
 */
final class SafetensorsWriter {

    private static final int LENGTH_FIELD_BYTES = 8;
    private static final int HEADER_ALIGNMENT = 8;

    private SafetensorsWriter() {
    }

    /** The length field and the padded header. */
    static byte[] headerBlock(TensorFile file) {
        JsonWriter json = new JsonWriter().beginObject();
        if (!file.metadata().isEmpty()) {
            json.name(NamedTensor.METADATA_KEY).beginObject();
            for (Map.Entry<String, String> e : file.metadata().entrySet()) {
                json.name(e.getKey()).value(e.getValue());
            }
            json.endObject();
        }
        long offset = 0;
        for (NamedTensor t : file.tensors()) {
            long end = offset + t.rawBytes().length;
            json.name(t.name()).beginObject().name("dtype").value(t.dtype().name()).name("shape").beginArray();
            for (int d : t.shape()) {
                json.value(d);
            }
            json.endArray().name("data_offsets").beginArray().value(offset).value(end).endArray().endObject();
            offset = end;
        }
        byte[] header = json.endObject().toString().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + HEADER_ALIGNMENT - 1) / HEADER_ALIGNMENT * HEADER_ALIGNMENT;
        if (padded > SafetensorsReader.MAX_HEADER_LENGTH) {
            throw new IllegalArgumentException("the header would be " + padded + " bytes, more than the "
                    + SafetensorsReader.MAX_HEADER_LENGTH + " bytes that readers accept");
        }
        byte[] block = new byte[LENGTH_FIELD_BYTES + padded];
        ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(header, 0, block, LENGTH_FIELD_BYTES, header.length);
        Arrays.fill(block, LENGTH_FIELD_BYTES + header.length, block.length, (byte) ' ');
        return block;
    }

    /** Writes the whole file to {@code out}; does not close it. */
    static void write(TensorFile file, WritableByteChannel out) throws IOException {
        writeFully(out, headerBlock(file));
        for (NamedTensor t : file.tensors()) {
            writeFully(out, t.rawBytes());
        }
    }

    /** The whole file as one array. */
    static byte[] toBytes(TensorFile file) {
        byte[] head = headerBlock(file);
        long total = head.length;
        for (NamedTensor t : file.tensors()) {
            total += t.rawBytes().length;
        }
        if (total > SafetensorsReader.MAX_ARRAY_BYTES) {
            throw new IllegalStateException("the file would be " + total
                    + " bytes, more than a byte array holds; write it to a Path instead");
        }
        byte[] out = new byte[(int) total];
        System.arraycopy(head, 0, out, 0, head.length);
        int pos = head.length;
        for (NamedTensor t : file.tensors()) {
            byte[] data = t.rawBytes();
            System.arraycopy(data, 0, out, pos, data.length);
            pos += data.length;
        }
        return out;
    }

    private static void writeFully(WritableByteChannel out, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }
}
