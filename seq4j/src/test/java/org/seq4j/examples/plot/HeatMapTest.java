package org.seq4j.examples.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeatMapTest {

    @TempDir
    Path dir;

    @Test
    void drawsEveryCellInItsShadeWithTheLabels() throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path file = dir.resolve("attention.png");
        float[][] values = {{1, 0, 0}, {0, 0.5f, 0.5f}};
        HeatMap.write(file, "attention", List.of("das", "haus"), List.of("the", "house", "<eos>"), values);
        BufferedImage image = ImageIO.read(file.toFile());
        assertTrue(image.getWidth() > 100 && image.getHeight() > 100, image.getWidth() + "x" + image.getHeight());
        // the darkest pixel is the colour of 1, and the colour of 0.5 is there too
        boolean one = false;
        boolean half = false;
        int dark = HeatMap.shade(1).getRGB();
        int middle = HeatMap.shade(0.5f).getRGB();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                one |= image.getRGB(x, y) == dark;
                half |= image.getRGB(x, y) == middle;
            }
        }
        assertTrue(one && half);
        assertEquals(Color.WHITE, HeatMap.shade(0));
        assertEquals(HeatMap.shade(1), HeatMap.shade(7));
        assertFalse(Files.list(dir).anyMatch(p -> !p.equals(file)), "no temporary file left");
    }

    @Test
    void refusesLabelsThatDoNotMatchTheValues() {
        Path file = dir.resolve("x.png");
        float[][] values = {{1, 0}};
        assertThrows(IllegalArgumentException.class, () -> HeatMap.write(file, "t", List.of(), List.of("a", "b"), values));
        assertThrows(IllegalArgumentException.class, () -> HeatMap.write(file, "t", List.of("x"), List.of("a"), values));
        assertThrows(IllegalArgumentException.class, () -> HeatMap.write(file, "t", List.of("x", "y"),
                List.of("a", "b"), new float[][] {{1, 0}, {1}}));
    }
}
