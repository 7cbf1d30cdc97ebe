package org.seq4j.examples.charrnn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.seq4j.examples.plot.LinePlot;

/**
 * Draws training and validation loss against the step as a PNG ({@link LinePlot}).
 */
final class LossPlot {

    /** One point of a curve. */
    record Point(long step, double loss) {
    }

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
        LinePlot.Panel panel = new LinePlot.Panel(title, "step", "cross-entropy (nats per character)", false)
                .add(series("training loss", 0, 1.5f, false, train))
                .add(series("validation loss", 1, 2.5f, true, validation));
        LinePlot.write(file, null, 1, List.of(panel));
    }

    private static LinePlot.Series series(String label, int color, float width, boolean markers, List<Point> points) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i).step();
            y[i] = points.get(i).loss();
        }
        return new LinePlot.Series(label, LinePlot.color(color), width, false, markers, x, y);
    }
}
