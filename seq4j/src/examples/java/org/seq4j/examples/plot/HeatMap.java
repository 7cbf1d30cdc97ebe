package org.seq4j.examples.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Draws a matrix of values in {@code [0, 1]} as a PNG heat map with a label on every row and column, with
 * java.awt in headless mode: the attention of a translation, target words down the side and source words
 * along the top, white for 0 and dark blue for 1 (as the alignment figures of Bahdanau et al. 2015 and
 * Luong et al. 2015, with the colours reversed). The file is replaced atomically.
 */
public final class HeatMap {

    private static final int MARGIN = 20;
    private static final int TITLE_HEIGHT = 34;
    private static final int BAR_WIDTH = 14;
    private static final int BAR_GAP = 24;
    private static final Color DARK = new Color(8, 48, 107);
    private static final Color LINE = new Color(200, 200, 200);

    private HeatMap() {
    }

    /**
     * Writes the heat map.
     *
     * @param file         the PNG file; replaced atomically
     * @param title        the title line
     * @param rowLabels    one label per row (the target words), drawn left of the rows
     * @param columnLabels one label per column (the source words), drawn above the columns, rotated
     * @param values       {@code (rows, columns)} values; clipped to {@code [0, 1]} for the colour; not modified
     * @throws IllegalArgumentException if the labels do not match the shape of the values or there are none
     * @throws IOException              if the file cannot be written
     */
    public static void write(Path file, String title, List<String> rowLabels, List<String> columnLabels,
                             float[][] values) throws IOException {
        int rows = values.length;
        if (rows == 0 || rows != rowLabels.size()) {
            throw new IllegalArgumentException("one row label per row: " + rowLabels.size() + " labels for " + rows
                    + " rows (at least one)");
        }
        int columns = values[0].length;
        for (float[] row : values) {
            if (row.length != columns) {
                throw new IllegalArgumentException("every row must have " + columns + " values but one had "
                        + row.length);
            }
        }
        if (columns == 0 || columns != columnLabels.size()) {
            throw new IllegalArgumentException("one column label per column: " + columnLabels.size()
                    + " labels for " + columns + " columns (at least one)");
        }
        int cell = Math.max(18, Math.min(44, 640 / Math.max(rows, columns)));
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.min(15, Math.max(11, cell / 2)));
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D measure = probe.createGraphics();
        FontMetrics metrics = measure.getFontMetrics(font);
        int rowLabelWidth = widest(metrics, rowLabels);
        int columnLabelHeight = widest(metrics, columnLabels);
        measure.dispose();

        int left = MARGIN + rowLabelWidth + 8;
        int top = TITLE_HEIGHT + columnLabelHeight + 8;
        int width = Math.max(left + columns * cell + BAR_GAP + BAR_WIDTH + 40 + MARGIN,
                MARGIN * 2 + metrics.stringWidth(title) + 40);
        int height = Math.max(top + rows * cell + MARGIN, top + 120);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.setColor(Color.BLACK);
            g.drawString(title, MARGIN, 22);
            g.setFont(font);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < columns; j++) {
                    g.setColor(shade(values[i][j]));
                    g.fillRect(left + j * cell, top + i * cell, cell, cell);
                }
                String label = rowLabels.get(i);
                g.setColor(Color.BLACK);
                g.drawString(label, left - 8 - metrics.stringWidth(label),
                        top + i * cell + cell / 2 + metrics.getAscent() / 2 - 2);
            }
            g.setColor(LINE);
            g.drawRect(left, top, columns * cell, rows * cell);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.setColor(Color.BLACK);
            for (int j = 0; j < columns; j++) {
                // rotated by −90°: x' = −y, y' = x; the label ends just above the grid
                rotated.drawString(columnLabels.get(j), -(top - 8),
                        left + j * cell + cell / 2 + metrics.getAscent() / 2 - 2);
            }
            rotated.dispose();
            colourBar(g, metrics, left + columns * cell + BAR_GAP, top, Math.max(rows * cell, 100));
        } finally {
            g.dispose();
        }
        Png.write(file, image);
    }

    /** The colour of a value: white at 0, dark blue at 1, linear in between. */
    static Color shade(float value) {
        float v = Float.isNaN(value) ? 0 : Math.max(0, Math.min(1, value));
        return new Color(mix(255, DARK.getRed(), v), mix(255, DARK.getGreen(), v), mix(255, DARK.getBlue(), v));
    }

    private static int mix(int from, int to, float v) {
        return Math.round(from + (to - from) * v);
    }

    private static void colourBar(Graphics2D g, FontMetrics metrics, int x, int y, int height) {
        for (int i = 0; i < height; i++) {
            g.setColor(shade(1 - i / (float) (height - 1)));
            g.drawLine(x, y + i, x + BAR_WIDTH, y + i);
        }
        g.setColor(LINE);
        g.drawRect(x, y, BAR_WIDTH, height);
        g.setColor(Color.DARK_GRAY);
        for (double v : new double[] {0, 0.5, 1}) {
            int py = y + (int) Math.round((1 - v) * (height - 1));
            g.drawString(String.format(Locale.ROOT, "%.1f", v), x + BAR_WIDTH + 4, py + metrics.getAscent() / 2 - 1);
        }
    }

    private static int widest(FontMetrics metrics, List<String> labels) {
        int widest = 0;
        for (String label : labels) {
            widest = Math.max(widest, metrics.stringWidth(label));
        }
        return widest;
    }
}
