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
        LinePlot.write(file, title, "step", "cross-entropy (nats per character)", List.of(
                curve("training loss", LinePlot.BLUE, 1.5f, false, train),
                curve("validation loss", LinePlot.RED, 2.5f, true, validation)), true);
    }

    private static LinePlot.Series curve(String label, java.awt.Color color, float width, boolean markers,
                                         List<Point> points) {
        double[] steps = new double[points.size()];
        double[] losses = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            steps[i] = points.get(i).step();
            losses[i] = points.get(i).loss();
        }
        return new LinePlot.Series(label, color, width, markers, steps, losses);
    }
}
