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
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws curves {@code y(x)} as a PNG, with java.awt in headless mode: the plots of the examples (loss
 * against step, forecasts against the truth, gradient norms against distance). One pair of axes
 * ({@link #write(Path, String, String, String, List, boolean)}), or several panels in a grid
 * ({@link #write(Path, String, int, List)}), each with its curves (solid or dashed), an optional
 * logarithmic vertical axis and horizontal reference lines. Axes are fitted to the data with round tick
 * spacings (1, 2 or 5 times a power of ten; whole decades on a log axis); the legend goes in the corner
 * that hides the fewest points; the file is replaced atomically, so a viewer that reloads it during a run
 * never reads half a file.
 */
public final class LinePlot {

    /** Blue, for the first curve. */
    public static final Color BLUE = new Color(31, 119, 180);
    /** Red. */
    public static final Color RED = new Color(214, 39, 40);
    /** Orange. */
    public static final Color ORANGE = new Color(255, 127, 14);
    /** Green. */
    public static final Color GREEN = new Color(44, 160, 44);

    /** The matplotlib "tab10" colours, for curves that need telling apart. */
    private static final Color[] PALETTE = {
        BLUE, ORANGE, GREEN, RED, new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
        new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207),
    };

    /**
     * One curve. A point that is not finite (or, on a log axis, not positive) is a gap.
     *
     * @param label   its legend entry
     * @param color   its colour
     * @param width   line width in pixels
     * @param markers whether each point gets a dot
     * @param dashed  whether the line is dashed
     * @param x       the abscissae, as many as {@code y}; not copied, not modified
     * @param y       the ordinates
     */
    public record Series(String label, Color color, float width, boolean markers, boolean dashed, double[] x,
                         double[] y) {

        /**
         * Validates the curve.
         *
         * @throws IllegalArgumentException if an argument is null or the lengths differ
         */
        public Series {
            if (label == null || color == null || x == null || y == null) {
                throw new IllegalArgumentException("label, color, x and y must not be null");
            }
            if (x.length != y.length) {
                throw new IllegalArgumentException("x and y must have the same length but had " + x.length
                        + " and " + y.length);
            }
        }

        /**
         * A solid curve.
         *
         * @param label   its legend entry
         * @param color   its colour
         * @param width   line width in pixels
         * @param markers whether each point gets a dot
         * @param x       the abscissae, as many as {@code y}; not copied, not modified
         * @param y       the ordinates
         */
        public Series(String label, Color color, float width, boolean markers, double[] x, double[] y) {
            this(label, color, width, markers, false, x, y);
        }

        /**
         * A solid line of width 2 without markers.
         *
         * @param label its legend entry
         * @param color its colour
         * @param x     the abscissae; not copied
         * @param y     the ordinates; not copied
         * @return the curve
         */
        public static Series line(String label, Color color, double[] x, double[] y) {
            return new Series(label, color, 2f, false, false, x, y);
        }

        /**
         * The same curve, dashed.
         *
         * @return a new curve
         */
        public Series asDashed() {
            return new Series(label, color, width, markers, true, x, y);
        }
    }

    /** A horizontal reference line across a panel, labelled at its right end. */
    private record Reference(String label, double y) {
    }

    /** One pair of axes with its curves. */
    public static final class Panel {
        private final String title;
        private final String xLabel;
        private final String yLabel;
        private final boolean logY;
        private boolean xFromZero;
        private final List<Series> curves = new ArrayList<>();
        private final List<Reference> references = new ArrayList<>();

        /**
         * Creates an empty panel.
         *
         * @param title  its title line
         * @param xLabel the label of the horizontal axis
         * @param yLabel the label of the vertical axis
         * @param logY   whether the vertical axis is logarithmic (base 10)
         */
        public Panel(String title, String xLabel, String yLabel, boolean logY) {
            this.title = title;
            this.xLabel = xLabel;
            this.yLabel = yLabel;
            this.logY = logY;
        }

        /**
         * Adds a curve, drawn after (on top of) the earlier ones and listed after them in the legend.
         *
         * @param curve the curve
         * @return this panel
         */
        public Panel add(Series curve) {
            curves.add(curve);
            return this;
        }

        /**
         * Adds a horizontal, dashed grey reference line.
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
         * Makes the horizontal axis start at 0 (steps of training) rather than at the data.
         *
         * @return this panel
         */
        public Panel xFromZero() {
            xFromZero = true;
            return this;
        }

        /** The height of a value on the vertical axis: itself, or its log10 (NaN if not positive). */
        private double axisY(double y) {
            return logY ? (y > 0 ? Math.log10(y) : Double.NaN) : y;
        }
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int HEADER = 36;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color GRID = new Color(230, 230, 230);

    private LinePlot() {
    }

    /**
     * A colour of a ten-colour palette (blue, orange, green, red, purple, brown, pink, grey, olive, cyan).
     *
     * @param index any index; taken modulo 10
     * @return the colour
     */
    public static Color color(int index) {
        return PALETTE[Math.floorMod(index, PALETTE.length)];
    }

    /**
     * Writes one pair of axes.
     *
     * @param file      the PNG file; overwritten
     * @param title     the title line
     * @param xLabel    the label of the horizontal axis
     * @param yLabel    the label of the vertical axis
     * @param curves    the curves, drawn in order (later ones on top), listed in that order in the legend
     * @param xFromZero whether the horizontal axis starts at 0 (steps of training) rather than at the data
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, String title, String xLabel, String yLabel, List<Series> curves,
                             boolean xFromZero) throws IOException {
        Panel panel = new Panel(title, xLabel, yLabel, false);
        curves.forEach(panel::add);
        if (xFromZero) {
            panel.xFromZero();
        }
        write(file, null, 1, List.of(panel));
    }

    /**
     * Writes panels in a grid, row by row, under an optional title.
     *
     * @param file    the PNG file; overwritten
     * @param title   a title above all panels, or null for none
     * @param columns panels per row, at least 1
     * @param panels  the panels, at least one
     * @throws IOException              if the file cannot be written
     * @throws IllegalArgumentException if there is no panel or {@code columns < 1}
     */
    public static void write(Path file, String title, int columns, List<Panel> panels) throws IOException {
        if (panels.isEmpty() || columns < 1) {
            throw new IllegalArgumentException("need at least one panel and one column but had " + panels.size()
                    + " and " + columns);
        }
        int cols = Math.min(columns, panels.size());
        int rows = (panels.size() + cols - 1) / cols;
        int header = title == null ? 0 : HEADER;
        BufferedImage image = new BufferedImage(cols * WIDTH, header + rows * HEIGHT, BufferedImage.TYPE_INT_RGB);
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
                Graphics2D p = (Graphics2D) g.create((i % cols) * WIDTH, header + (i / cols) * HEIGHT, WIDTH, HEIGHT);
                try {
                    draw(p, panels.get(i));
                } finally {
                    p.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        Png.write(file, image);
    }

    private static void draw(Graphics2D g, Panel panel) {
        Frame frame = frame(panel);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics metrics = g.getFontMetrics();
        for (double y = frame.yLow; y <= frame.yHigh + frame.yTick / 2; y += frame.yTick) {
            int py = frame.y(y);
            g.setColor(GRID);
            g.drawLine(LEFT, py, WIDTH - RIGHT, py);
            g.setColor(Color.DARK_GRAY);
            String label = panel.logY ? powerOfTen(y) : tickLabel(y, frame.yTick);
            g.drawString(label, LEFT - 8 - metrics.stringWidth(label), py + metrics.getAscent() / 2 - 1);
        }
        for (double x = frame.xLow; x <= frame.xHigh + frame.xTick / 2; x += frame.xTick) {
            int px = frame.x(x);
            g.setColor(GRID);
            g.drawLine(px, TOP, px, HEIGHT - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            String label = tickLabel(x, frame.xTick);
            g.drawString(label, px - metrics.stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        g.drawString(panel.xLabel, (LEFT + WIDTH - RIGHT) / 2 - metrics.stringWidth(panel.xLabel) / 2, HEIGHT - 18);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(panel.yLabel, -(TOP + HEIGHT - BOTTOM) / 2 - metrics.stringWidth(panel.yLabel) / 2, 22);
        rotated.dispose();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(panel.title, LEFT, TOP - 18);

        Graphics2D inside = (Graphics2D) g.create();
        inside.clipRect(LEFT, TOP, WIDTH - LEFT - RIGHT + 1, HEIGHT - TOP - BOTTOM + 1);
        inside.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (Reference r : panel.references) {
            double y = panel.axisY(r.y());
            if (Double.isFinite(y)) {
                inside.setColor(Color.GRAY);
                inside.setStroke(stroke(1.5f, true));
                inside.drawLine(LEFT, frame.y(y), WIDTH - RIGHT, frame.y(y));
                inside.drawString(r.label(), WIDTH - RIGHT - 6 - metrics.stringWidth(r.label()), frame.y(y) - 5);
            }
        }
        for (Series curve : panel.curves) {
            drawCurve(inside, panel, frame, curve);
        }
        inside.dispose();
        legend(g, panel, frame);
    }

    /** The data range rounded out to whole ticks; y in axis units (log10 on a log axis). */
    private record Frame(double xLow, double xHigh, double xTick, double yLow, double yHigh, double yTick) {
        int x(double value) {
            return LEFT + (int) Math.round((value - xLow) / (xHigh - xLow) * (WIDTH - LEFT - RIGHT));
        }

        int y(double value) {
            return HEIGHT - BOTTOM - (int) Math.round((value - yLow) / (yHigh - yLow) * (HEIGHT - TOP - BOTTOM));
        }
    }

    private static Frame frame(Panel panel) {
        double[] xRange = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] yRange = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (Series curve : panel.curves) {
            for (int i = 0; i < curve.x().length; i++) {
                double y = panel.axisY(curve.y()[i]);
                if (Double.isFinite(curve.x()[i]) && Double.isFinite(y)) {
                    widen(xRange, curve.x()[i]);
                    widen(yRange, y);
                }
            }
        }
        for (Reference r : panel.references) {
            double y = panel.axisY(r.y());
            if (Double.isFinite(y)) {
                widen(yRange, y);
            }
        }
        if (panel.xFromZero) {
            widen(xRange, 0);
        }
        double[] xAxis = axis(xRange[0], xRange[1], 8);
        double[] yAxis = panel.logY ? decades(yRange[0], yRange[1]) : axis(yRange[0], yRange[1], 6);
        return new Frame(xAxis[0], xAxis[1], xAxis[2], yAxis[0], yAxis[1], yAxis[2]);
    }

    private static void widen(double[] range, double value) {
        range[0] = Math.min(range[0], value);
        range[1] = Math.max(range[1], value);
    }

    /** {low, high, tick} around [min, max] with about the given number of ticks. */
    private static double[] axis(double min, double max, int ticks) {
        if (!(min < max)) { // no points, or one value
            min = Double.isFinite(min) ? min - 0.5 : 0;
            max = min + 1;
        }
        double tick = niceStep((max - min) / ticks);
        return new double[] {Math.floor(min / tick) * tick, Math.ceil(max / tick) * tick, tick};
    }

    /** {low, high, tick} of a log axis (in decades) around [min, max]: whole decades, at most about 8 ticks. */
    private static double[] decades(double min, double max) {
        if (!(min < max)) {
            min = Double.isFinite(min) ? Math.floor(min) : 0;
            max = min + 1;
        }
        double tick = Math.max(1, Math.ceil((max - min) / 8));
        return new double[] {Math.floor(min / tick) * tick, Math.ceil(max / tick) * tick, tick};
    }

    /** A round tick spacing (1, 2 or 5 times a power of ten) near the given raw spacing. */
    private static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / magnitude;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    /** A tick value with as many decimals as the spacing needs. */
    private static String tickLabel(double value, double tick) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(tick) + 1e-9));
        double rounded = Math.abs(value) < tick / 2 ? 0 : value;   // no "-0.0"
        return String.format(Locale.ROOT, "%." + decimals + "f", rounded);
    }

    /** The label of a log-axis tick at 10^e: 0.01, 0.1, 1, 10, 100, 1000, else 1e±n. */
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

    private static Stroke stroke(float width, boolean dashed) {
        return dashed
                ? new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {8f, 6f}, 0f)
                : new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    private static void drawCurve(Graphics2D g, Panel panel, Frame frame, Series curve) {
        double[] xs = curve.x();
        double[] ys = curve.y();
        g.setColor(curve.color());
        g.setStroke(stroke(curve.width(), curve.dashed()));
        Path2D.Double path = new Path2D.Double();
        boolean open = false;
        for (int i = 0; i < xs.length; i++) {
            double y = panel.axisY(ys[i]);
            if (!Double.isFinite(xs[i]) || !Double.isFinite(y)) {
                open = false;                                    // a gap in the curve
                continue;
            }
            if (open) {
                path.lineTo(frame.x(xs[i]), frame.y(y));
            } else {
                path.moveTo(frame.x(xs[i]), frame.y(y));
                open = true;
            }
        }
        g.draw(path);
        if (curve.markers()) {
            for (int i = 0; i < xs.length; i++) {
                double y = panel.axisY(ys[i]);
                if (Double.isFinite(xs[i]) && Double.isFinite(y)) {
                    g.fillOval(frame.x(xs[i]) - 4, frame.y(y) - 4, 8, 8);
                }
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    /** The legend, in the corner of the frame that hides the fewest points. */
    private static void legend(Graphics2D g, Panel panel, Frame frame) {
        List<Series> curves = panel.curves;
        if (curves.isEmpty()) {
            return;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics metrics = g.getFontMetrics();
        int textWidth = 0;
        for (Series curve : curves) {
            textWidth = Math.max(textWidth, metrics.stringWidth(curve.label()));
        }
        int boxWidth = textWidth + 56;
        int boxHeight = 20 * curves.size() + 10;
        int[][] corners = {
            {WIDTH - RIGHT - boxWidth - 10, TOP + 10},                       // top right first
            {LEFT + 10, TOP + 10},
            {WIDTH - RIGHT - boxWidth - 10, HEIGHT - BOTTOM - boxHeight - 10},
            {LEFT + 10, HEIGHT - BOTTOM - boxHeight - 10},
        };
        int x = corners[0][0];
        int y = corners[0][1];
        int fewest = Integer.MAX_VALUE;
        for (int[] corner : corners) {
            int hidden = 0;
            for (Series curve : curves) {
                for (int i = 0; i < curve.x().length; i++) {
                    double value = panel.axisY(curve.y()[i]);
                    if (!Double.isFinite(curve.x()[i]) || !Double.isFinite(value)) {
                        continue;
                    }
                    int px = frame.x(curve.x()[i]);
                    int py = frame.y(value);
                    if (px >= corner[0] - 5 && px <= corner[0] + boxWidth + 5 && py >= corner[1] - 5
                            && py <= corner[1] + boxHeight + 5) {
                        hidden++;
                    }
                }
            }
            if (hidden < fewest) {
                fewest = hidden;
                x = corner[0];
                y = corner[1];
            }
        }
        g.setColor(new Color(255, 255, 255, 220));
        g.fillRect(x, y, boxWidth, boxHeight);
        g.setColor(Color.LIGHT_GRAY);
        g.drawRect(x, y, boxWidth, boxHeight);
        for (int i = 0; i < curves.size(); i++) {
            Series curve = curves.get(i);
            int lineY = y + 20 * i + 19;
            g.setColor(curve.color());
            g.setStroke(stroke(3f, curve.dashed()));
            g.drawLine(x + 8, lineY - 4, x + 36, lineY - 4);
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawString(curve.label(), x + 44, lineY);
        }
    }
}
