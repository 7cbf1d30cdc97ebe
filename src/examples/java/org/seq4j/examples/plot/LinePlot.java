package org.seq4j.examples.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.seq4j.io.AtomicFiles;

/**
 * Line charts as a PNG, drawn with java.awt in headless mode: one or more panels side by side, each with
 * named curves, an optional logarithmic y axis, horizontal reference lines and a legend.
 *
 * <pre>{@code
 *   LinePlot.Panel panel = new LinePlot.Panel("T = 100", "step", "test MSE", false)
 *           .add(LinePlot.Series.line("LSTM", LinePlot.color(0), steps, mse))
 *           .reference("predict 1", 0.167);
 *   LinePlot.write(Path.of("curves.png"), "the adding problem", 1, List.of(panel));
 * }</pre>
 */
public final class LinePlot {

    /** The matplotlib "tab10" colours, for curves that need telling apart. */
    private static final Color[] PALETTE = {
        new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44), new Color(255, 127, 14),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
        new Color(188, 189, 34), new Color(23, 190, 207),
    };

    private static final int PANEL_WIDTH = 900;
    private static final int PANEL_HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color GRID = new Color(230, 230, 230);

    private LinePlot() {
    }

    /**
     * A colour of the palette.
     *
     * @param index any index; taken modulo the palette size
     * @return the colour
     */
    public static Color color(int index) {
        return PALETTE[Math.floorMod(index, PALETTE.length)];
    }

    /**
     * One curve: points joined in order; a non-finite point (or, on a log axis, a non-positive one)
     * breaks the line.
     *
     * @param label   legend text
     * @param color   line colour
     * @param width   line width in pixels
     * @param dashed  dashed rather than solid
     * @param markers a dot on every point
     * @param x       x coordinates
     * @param y       y coordinates, as many as {@code x}
     */
    public record Series(String label, Color color, float width, boolean dashed, boolean markers, double[] x,
                         double[] y) {

        /**
         * Checks the coordinates.
         *
         * @throws IllegalArgumentException if x and y differ in length
         */
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("x and y must have the same length but were " + x.length
                        + " and " + y.length);
            }
        }

        /**
         * A solid line of width 2 without markers.
         *
         * @param label legend text
         * @param color line colour
         * @param x     x coordinates
         * @param y     y coordinates
         * @return the series
         */
        public static Series line(String label, Color color, double[] x, double[] y) {
            return new Series(label, color, 2f, false, false, x, y);
        }

        /**
         * The same curve drawn dashed.
         *
         * @return a new series
         */
        public Series asDashed() {
            return new Series(label, color, width, true, markers, x, y);
        }
    }

    /** Where a panel's legend goes. */
    public enum Corner {
        /** Upper right, the default. */
        TOP_RIGHT,
        /** Lower right. */
        BOTTOM_RIGHT,
        /** Lower left. */
        BOTTOM_LEFT
    }

    /** A horizontal reference line across a panel, labelled at its right end. */
    private record Reference(String label, double y) {
    }

    /** One chart: axes, curves, reference lines and a legend. */
    public static final class Panel {
        private final String title;
        private final String xLabel;
        private final String yLabel;
        private final boolean logY;
        private final List<Series> series = new ArrayList<>();
        private final List<Reference> references = new ArrayList<>();
        private Corner legend = Corner.TOP_RIGHT;

        /**
         * Creates an empty panel.
         *
         * @param title  the panel's title
         * @param xLabel the x axis label
         * @param yLabel the y axis label
         * @param logY   whether the y axis is logarithmic (base 10)
         */
        public Panel(String title, String xLabel, String yLabel, boolean logY) {
            this.title = title;
            this.xLabel = xLabel;
            this.yLabel = yLabel;
            this.logY = logY;
        }

        /**
         * Adds a curve.
         *
         * @param s the curve
         * @return this panel
         */
        public Panel add(Series s) {
            series.add(s);
            return this;
        }

        /**
         * Adds a horizontal reference line.
         *
         * @param label its label
         * @param y     its height
         * @return this panel
         */
        public Panel reference(String label, double y) {
            references.add(new Reference(label, y));
            return this;
        }

        /**
         * Puts the legend in another corner than the upper right one.
         *
         * @param corner where the legend goes
         * @return this panel
         */
        public Panel legend(Corner corner) {
            legend = corner;
            return this;
        }

        private double toAxis(double y) {
            return logY ? (y > 0 ? Math.log10(y) : Double.NaN) : y;
        }
    }

    /**
     * Writes panels side by side (and in rows of {@code columns}) into one PNG, replacing the file
     * atomically.
     *
     * @param file    the PNG file; overwritten
     * @param title   a title above all panels, or null for none
     * @param columns panels per row, at least 1
     * @param panels  the panels, at least one
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, String title, int columns, List<Panel> panels) throws IOException {
        if (panels.isEmpty() || columns < 1) {
            throw new IllegalArgumentException("need at least one panel and one column");
        }
        int cols = Math.min(columns, panels.size());
        int rows = (panels.size() + cols - 1) / cols;
        int header = title == null ? 0 : 36;
        BufferedImage image = new BufferedImage(cols * PANEL_WIDTH, rows * PANEL_HEIGHT + header,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            if (title != null) {
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
                g.drawString(title, LEFT, 26);
            }
            for (int i = 0; i < panels.size(); i++) {
                Graphics2D panelGraphics = (Graphics2D) g.create((i % cols) * PANEL_WIDTH,
                        header + (i / cols) * PANEL_HEIGHT, PANEL_WIDTH, PANEL_HEIGHT);
                try {
                    draw(panelGraphics, panels.get(i));
                } finally {
                    panelGraphics.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", png)) {
            throw new IOException("no PNG writer available");
        }
        // replaced atomically: a viewer that reloads the plot during training never reads half a file
        AtomicFiles.write(file, channel -> {
            ByteBuffer bytes = ByteBuffer.wrap(png.toByteArray());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        });
    }

    private static void draw(Graphics2D g, Panel panel) {
        double xLow = Double.POSITIVE_INFINITY;
        double xHigh = Double.NEGATIVE_INFINITY;
        double yLow = Double.POSITIVE_INFINITY;
        double yHigh = Double.NEGATIVE_INFINITY;
        for (Series s : panel.series) {
            for (int i = 0; i < s.x().length; i++) {
                double y = panel.toAxis(s.y()[i]);
                if (Double.isFinite(s.x()[i]) && Double.isFinite(y)) {
                    xLow = Math.min(xLow, s.x()[i]);
                    xHigh = Math.max(xHigh, s.x()[i]);
                    yLow = Math.min(yLow, y);
                    yHigh = Math.max(yHigh, y);
                }
            }
        }
        for (Reference r : panel.references) {
            double y = panel.toAxis(r.y());
            if (Double.isFinite(y)) {
                yLow = Math.min(yLow, y);
                yHigh = Math.max(yHigh, y);
            }
        }
        if (!(xLow < xHigh)) {   // no points, or a single x
            xLow = Double.isFinite(xLow) ? xLow - 0.5 : 0;
            xHigh = xLow + 1;
        }
        if (!(yLow < yHigh)) {
            yLow = Double.isFinite(yLow) ? yLow - 0.5 : 0;
            yHigh = yLow + 1;
        }
        double yTick = panel.logY ? Math.max(1, Math.ceil((yHigh - yLow) / 8)) : niceStep((yHigh - yLow) / 6);
        double xTick = niceStep((xHigh - xLow) / 8);
        Frame frame = new Frame(Math.floor(xLow / xTick) * xTick, Math.ceil(xHigh / xTick) * xTick,
                Math.floor(yLow / yTick) * yTick, Math.ceil(yHigh / yTick) * yTick);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics metrics = g.getFontMetrics();
        for (double y = frame.yLow; y <= frame.yHigh + yTick / 2; y += yTick) {
            int py = frame.y(y);
            g.setColor(GRID);
            g.drawLine(LEFT, py, PANEL_WIDTH - RIGHT, py);
            g.setColor(Color.DARK_GRAY);
            String label = panel.logY ? powerOfTen(y) : number(y, yTick);
            g.drawString(label, LEFT - 8 - metrics.stringWidth(label), py + metrics.getAscent() / 2 - 1);
        }
        for (double x = frame.xLow; x <= frame.xHigh + xTick / 2; x += xTick) {
            int px = frame.x(x);
            g.setColor(GRID);
            g.drawLine(px, TOP, px, PANEL_HEIGHT - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            String label = number(x, xTick);
            g.drawString(label, px - metrics.stringWidth(label) / 2, PANEL_HEIGHT - BOTTOM + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, PANEL_WIDTH - LEFT - RIGHT, PANEL_HEIGHT - TOP - BOTTOM);
        g.drawString(panel.xLabel, (LEFT + PANEL_WIDTH - RIGHT) / 2 - metrics.stringWidth(panel.xLabel) / 2,
                PANEL_HEIGHT - 18);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(panel.yLabel, -(TOP + PANEL_HEIGHT - BOTTOM) / 2 - metrics.stringWidth(panel.yLabel) / 2,
                22);
        rotated.dispose();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(panel.title, LEFT, TOP - 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));

        Graphics2D clipped = (Graphics2D) g.create();
        clipped.clipRect(LEFT, TOP, PANEL_WIDTH - LEFT - RIGHT + 1, PANEL_HEIGHT - TOP - BOTTOM + 1);
        for (Reference r : panel.references) {
            double y = panel.toAxis(r.y());
            if (Double.isFinite(y)) {
                clipped.setColor(Color.GRAY);
                clipped.setStroke(dash(1.5f));
                clipped.drawLine(LEFT, frame.y(y), PANEL_WIDTH - RIGHT, frame.y(y));
                clipped.drawString(r.label(), PANEL_WIDTH - RIGHT - 6 - metrics.stringWidth(r.label()),
                        frame.y(y) - 5);
            }
        }
        for (Series s : panel.series) {
            drawCurve(clipped, panel, frame, s);
        }
        clipped.dispose();

        int legendWidth = 0;
        for (Series s : panel.series) {
            legendWidth = Math.max(legendWidth, metrics.stringWidth(s.label()));
        }
        int legendX = panel.legend == Corner.BOTTOM_LEFT ? LEFT + 16 : PANEL_WIDTH - RIGHT - legendWidth - 56;
        int legendY = panel.legend == Corner.TOP_RIGHT ? TOP + 22 : PANEL_HEIGHT - BOTTOM - 12 - 20 * (panel.series.size() - 1);
        for (Series s : panel.series) {
            g.setColor(new Color(255, 255, 255, 220));
            g.fillRect(legendX - 4, legendY - 14, legendWidth + 52, 20);
            g.setColor(s.color());
            g.setStroke(s.dashed() ? dash(3f) : new BasicStroke(3f));
            g.drawLine(legendX, legendY - 4, legendX + 28, legendY - 4);
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawString(s.label(), legendX + 36, legendY);
            legendY += 20;
        }
    }

    private static void drawCurve(Graphics2D g, Panel panel, Frame frame, Series s) {
        g.setColor(s.color());
        g.setStroke(s.dashed() ? dash(s.width()) : new BasicStroke(s.width()));
        Path2D.Double path = new Path2D.Double();
        boolean open = false;
        for (int i = 0; i < s.x().length; i++) {
            double y = panel.toAxis(s.y()[i]);
            if (!Double.isFinite(s.x()[i]) || !Double.isFinite(y)) {
                open = false;
                continue;
            }
            if (open) {
                path.lineTo(frame.x(s.x()[i]), frame.y(y));
            } else {
                path.moveTo(frame.x(s.x()[i]), frame.y(y));
                open = true;
            }
            if (s.markers()) {
                g.fillOval(frame.x(s.x()[i]) - 4, frame.y(y) - 4, 8, 8);
            }
        }
        g.draw(path);
        g.setStroke(new BasicStroke(1f));
    }

    private static Stroke dash(float width) {
        return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {8f, 6f}, 0f);
    }

    private record Frame(double xLow, double xHigh, double yLow, double yHigh) {
        int x(double x) {
            return LEFT + (int) Math.round((x - xLow) / (xHigh - xLow) * (PANEL_WIDTH - LEFT - RIGHT));
        }

        int y(double y) {
            return PANEL_HEIGHT - BOTTOM - (int) Math.round((y - yLow) / (yHigh - yLow) * (PANEL_HEIGHT - TOP - BOTTOM));
        }
    }

    /** A tick label with as many decimals as the tick spacing needs. */
    private static String number(double v, double tick) {
        int decimals = tick >= 1 ? 0 : (int) Math.ceil(-Math.log10(tick) - 1e-9);
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** The label of a log-axis tick at 10^e: 1, 10, 100, 0.1, 0.01, else 1e±n. */
    private static String powerOfTen(double exponent) {
        long e = Math.round(exponent);
        if (e >= 0 && e <= 3) {
            return String.valueOf((long) Math.pow(10, e));
        }
        if (e < 0 && e >= -2) {
            return String.format(Locale.ROOT, "%." + (-e) + "f", Math.pow(10, e));
        }
        return "1e" + e;
    }

    /** A round tick spacing (1, 2 or 5 times a power of ten) near the given raw spacing. */
    static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / magnitude;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }
}
