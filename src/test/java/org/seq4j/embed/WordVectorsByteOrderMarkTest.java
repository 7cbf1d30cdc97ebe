package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A UTF-8 byte-order mark before the header (as some editors save) is skipped, in both formats. */
class WordVectorsByteOrderMarkTest {

    @TempDir
    Path dir;

    @Test
    void aByteOrderMarkBeforeTheHeaderIsSkipped() throws IOException {
        WordVectors v = WordVectors.of(List.of("ice-cream", "été"), new float[] {1, 2, 3, -4, 5.5f, 6}, 3);
        for (boolean binary : new boolean[] {false, true}) {
            Path plain = dir.resolve(binary ? "v.bin" : "v.txt");
            if (binary) {
                v.writeBinary(plain);
            } else {
                v.writeText(plain);
            }
            ByteArrayOutputStream withMark = new ByteArrayOutputStream();
            withMark.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
            withMark.write(Files.readAllBytes(plain));
            Path marked = dir.resolve("bom-" + plain.getFileName());
            Files.write(marked, withMark.toByteArray());
            WordVectors read = WordVectors.read(marked);
            assertEquals(v.words(), read.words());
            assertArrayEquals(v.vector("été"), read.vector("été"));
        }
    }
}
