package org.seq4j.examples.charrnn;

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
import javax.imageio.ImageIO;
import org.seq4j.io.AtomicFiles;

/**
 * Draws training and validation loss against the step as a PNG, with java.awt in headless mode.
 */
final class LossPlot {

    /** One point of a curve. */
    record Point(long step, double loss) {
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color TRAIN = new Color(31, 119, 180);
    private static final Color VALIDATION = new Color(214, 39, 40);

    private LossPlot() {
    }

    /**
     * Writes the plot.
     *
     * @param file       the PNG file; overwritten
     * @param title      the title line
     * @param train      training loss per logged step, in step order
     * @param validation validation loss per evaluation, in step order
     * @throws IOException if the file cannot be written
     */
    static void write(Path file, String title, List<Point> train, List<Point> validation) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);

            long maxStep = 1;
            double minLoss = Double.POSITIVE_INFINITY;
            double maxLoss = Double.NEGATIVE_INFINITY;
            for (List<Point> curve : List.of(train, validation)) {
                for (Point p : curve) {
                    maxStep = Math.max(maxStep, p.step());
                    minLoss = Math.min(minLoss, p.loss());
                    maxLoss = Math.max(maxLoss, p.loss());
                }
            }
            if (!(minLoss < maxLoss)) { // no points, or one flat value
                minLoss = Double.isFinite(minLoss) ? minLoss - 0.5 : 0;
                maxLoss = minLoss + 1;
            }
            double yTick = niceStep((maxLoss - minLoss) / 6);
            double yLow = Math.floor(minLoss / yTick) * yTick;
            double yHigh = Math.ceil(maxLoss / yTick) * yTick;
            double xTick = niceStep(maxStep / 8.0);
            long xHigh = (long) (Math.ceil(maxStep / xTick) * xTick);
            Frame frame = new Frame(xHigh, yLow, yHigh);

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            FontMetrics metrics = g.getFontMetrics();
            for (double y = yLow; y <= yHigh + yTick / 2; y += yTick) {
                int py = frame.y(y);
                g.setColor(new Color(230, 230, 230));
                g.drawLine(LEFT, py, WIDTH - RIGHT, py);
                g.setColor(Color.DARK_GRAY);
                String label = String.format("%.2f", y);
                g.drawString(label, LEFT - 8 - metrics.stringWidth(label), py + metrics.getAscent() / 2 - 1);
            }
            for (double x = 0; x <= xHigh + xTick / 2; x += xTick) {
                int px = frame.x(x);
                g.setColor(new Color(230, 230, 230));
                g.drawLine(px, TOP, px, HEIGHT - BOTTOM);
                g.setColor(Color.DARK_GRAY);
                String label = String.valueOf((long) x);
                g.drawString(label, px - metrics.stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
            g.drawString("step", (LEFT + WIDTH - RIGHT) / 2 - metrics.stringWidth("step") / 2, HEIGHT - 18);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString("cross-entropy (nats per character)", -(TOP + HEIGHT - BOTTOM) / 2 - 110, 22);
            rotated.dispose();
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, LEFT, TOP - 18);

            drawCurve(g, frame, train, TRAIN, 1.5f, false);
            drawCurve(g, frame, validation, VALIDATION, 2.5f, true);

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            int legendX = WIDTH - RIGHT - 170;
            legend(g, legendX, TOP + 22, TRAIN, "training loss");
            legend(g, legendX, TOP + 42, VALIDATION, "validation loss");
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

    private record Frame(long xHigh, double yLow, double yHigh) {
        int x(double step) {
            return LEFT + (int) Math.round(step / xHigh * (WIDTH - LEFT - RIGHT));
        }

        int y(double loss) {
            return HEIGHT - BOTTOM - (int) Math.round((loss - yLow) / (yHigh - yLow) * (HEIGHT - TOP - BOTTOM));
        }
    }

    private static void drawCurve(Graphics2D g, Frame frame, List<Point> points, Color color, float width,
                                  boolean markers) {
        if (points.isEmpty()) {
            return;
        }
        g.setColor(color);
        g.setStroke(new BasicStroke(width));
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < points.size(); i++) {
            double x = frame.x(points.get(i).step());
            double y = frame.y(points.get(i).loss());
            if (i == 0) {
                path.moveTo(x, y);
            } else {
                path.lineTo(x, y);
            }
        }
        g.draw(path);
        if (markers) {
            for (Point p : points) {
                g.fillOval(frame.x(p.step()) - 4, frame.y(p.loss()) - 4, 8, 8);
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void legend(Graphics2D g, int x, int y, Color color, String label) {
        g.setColor(color);
        g.setStroke(new BasicStroke(3f));
        g.drawLine(x, y - 4, x + 28, y - 4);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.drawString(label, x + 36, y);
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
}
