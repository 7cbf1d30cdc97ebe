package org.seq4j.examples.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.seq4j.io.AtomicFiles;

/**
 * Draws curves {@code y(x)} on one pair of axes as a PNG, with java.awt in headless mode: the plots of the
 * examples (loss against step, forecasts against the truth). Axes are fitted to the data with round tick
 * spacings (1, 2 or 5 times a power of ten); the file is replaced atomically, so a viewer that reloads it
 * during a run never reads half a file.
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

    /**
     * One curve.
     *
     * @param label   its legend entry
     * @param color   its colour
     * @param width   line width in pixels
     * @param markers whether each point gets a dot
     * @param x       the abscissae, as many as {@code y}; not copied, not modified
     * @param y       the ordinates
     */
    public record Series(String label, Color color, float width, boolean markers, double[] x, double[] y) {

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
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color GRID = new Color(230, 230, 230);

    private LinePlot() {
    }

    /**
     * Writes the plot.
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
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);

            Frame frame = frame(curves, xFromZero);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            FontMetrics metrics = g.getFontMetrics();
            for (double y = frame.yLow; y <= frame.yHigh + frame.yTick / 2; y += frame.yTick) {
                int py = frame.y(y);
                g.setColor(GRID);
                g.drawLine(LEFT, py, WIDTH - RIGHT, py);
                g.setColor(Color.DARK_GRAY);
                String label = tickLabel(y, frame.yTick);
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
            g.drawString(xLabel, (LEFT + WIDTH - RIGHT) / 2 - metrics.stringWidth(xLabel) / 2, HEIGHT - 18);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString(yLabel, -(TOP + HEIGHT - BOTTOM) / 2 - metrics.stringWidth(yLabel) / 2, 22);
            rotated.dispose();
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, LEFT, TOP - 18);

            for (Series curve : curves) {
                drawCurve(g, frame, curve);
            }
            legend(g, frame, curves);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", png)) {
            throw new IOException("no PNG writer available");
        }
        AtomicFiles.write(file, channel -> {
            ByteBuffer bytes = ByteBuffer.wrap(png.toByteArray());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        });
    }

    /** The data range rounded out to whole ticks. */
    private record Frame(double xLow, double xHigh, double xTick, double yLow, double yHigh, double yTick) {
        int x(double value) {
            return LEFT + (int) Math.round((value - xLow) / (xHigh - xLow) * (WIDTH - LEFT - RIGHT));
        }

        int y(double value) {
            return HEIGHT - BOTTOM - (int) Math.round((value - yLow) / (yHigh - yLow) * (HEIGHT - TOP - BOTTOM));
        }
    }

    private static Frame frame(List<Series> curves, boolean xFromZero) {
        double[] xRange = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] yRange = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (Series curve : curves) {
            for (int i = 0; i < curve.x().length; i++) {
                if (Double.isFinite(curve.x()[i]) && Double.isFinite(curve.y()[i])) {
                    widen(xRange, curve.x()[i]);
                    widen(yRange, curve.y()[i]);
                }
            }
        }
        if (xFromZero) {
            widen(xRange, 0);
        }
        double[] xAxis = axis(xRange[0], xRange[1], 8);
        double[] yAxis = axis(yRange[0], yRange[1], 6);
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

    private static void drawCurve(Graphics2D g, Frame frame, Series curve) {
        double[] xs = curve.x();
        double[] ys = curve.y();
        g.setColor(curve.color());
        g.setStroke(new BasicStroke(curve.width(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Path2D.Double path = new Path2D.Double();
        boolean open = false;
        for (int i = 0; i < xs.length; i++) {
            if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) {
                open = false;                                    // a gap in the curve
                continue;
            }
            if (open) {
                path.lineTo(frame.x(xs[i]), frame.y(ys[i]));
            } else {
                path.moveTo(frame.x(xs[i]), frame.y(ys[i]));
                open = true;
            }
        }
        g.draw(path);
        if (curve.markers()) {
            for (int i = 0; i < xs.length; i++) {
                if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
                    g.fillOval(frame.x(xs[i]) - 4, frame.y(ys[i]) - 4, 8, 8);
                }
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    /** The legend, in the corner of the frame that hides the fewest points. */
    private static void legend(Graphics2D g, Frame frame, List<Series> curves) {
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
                    int px = frame.x(curve.x()[i]);
                    int py = frame.y(curve.y()[i]);
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
            g.setStroke(new BasicStroke(3f));
            g.drawLine(x + 8, lineY - 4, x + 36, lineY - 4);
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawString(curve.label(), x + 44, lineY);
        }
    }
}
