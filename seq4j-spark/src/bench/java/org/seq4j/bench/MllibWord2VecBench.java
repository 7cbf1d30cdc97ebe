package org.seq4j.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.feature.Word2Vec;
import org.apache.spark.mllib.feature.Word2VecModel;
import scala.Tuple2;

/**
 * Spark MLlib's {@code Word2Vec} (skip-gram with hierarchical softmax, its only mode) on a text corpus, for
 * bench/word2vec_spark_vs_mllib.sh: writes the vectors in word2vec's text format, most frequent word first
 * (the order the evaluator's restrict_vocab expects), and prints
 * {@code summary words=N vocab=V train_seconds=T}.
 *
 * <pre>
 *   MllibWord2VecBench CORPUS OUTPUT MASTER PARTITIONS EPOCHS SEED
 * </pre>
 * Settings: dimension 100, window 5, min-count 5, step size 0.025 (MLlib has no subsampling and no
 * negative sampling).
 */
public final class MllibWord2VecBench {

    private MllibWord2VecBench() {
    }

    /**
     * Trains and writes the vectors.
     *
     * @param args corpus, output, master, partitions, epochs, seed
     * @throws IOException if the output cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path corpus = Path.of(args[0]);
        Path output = Path.of(args[1]);
        int partitions = Integer.parseInt(args[3]);
        int epochs = Integer.parseInt(args[4]);
        long seed = Long.parseLong(args[5]);
        SparkConf conf = new SparkConf().setAppName("mllib word2vec").setMaster(args[2]);
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            JavaRDD<List<String>> sentences = spark.textFile(corpus.toAbsolutePath().toUri().toString(), partitions)
                    .map(line -> Arrays.asList(line.trim().split("\\s+")))
                    .filter(words -> !(words.size() == 1 && words.get(0).isEmpty()))
                    .cache();
            long words = sentences.map(List::size).reduce(Integer::sum);
            List<Tuple2<String, Long>> counts = sentences.flatMap(List::iterator)
                    .mapToPair(w -> new Tuple2<>(w, 1L)).reduceByKey(Long::sum).filter(e -> e._2() >= 5).collect();
            long start = System.nanoTime();
            Word2VecModel model = new Word2Vec().setVectorSize(100).setWindowSize(5).setMinCount(5)
                    .setLearningRate(0.025).setNumPartitions(partitions).setNumIterations(epochs).setSeed(seed)
                    .fit(sentences);
            double seconds = (System.nanoTime() - start) / 1e9;
            scala.collection.Map<String, float[]> vectors = model.getVectors();
            Tuple2<String, Long>[] sorted = counts.toArray(new Tuple2[0]);
            Arrays.sort(sorted, (a, b) -> !a._2().equals(b._2()) ? Long.compare(b._2(), a._2()) : a._1().compareTo(b._1()));
            try (BufferedWriter w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                w.write(sorted.length + " 100\n");
                for (Tuple2<String, Long> e : sorted) {
                    float[] v = vectors.apply(e._1());
                    StringBuilder line = new StringBuilder(e._1());
                    for (float x : v) {
                        line.append(' ').append(x);
                    }
                    w.write(line.append('\n').toString());
                }
            }
            System.out.printf(Locale.ROOT, "summary words=%d vocab=%d train_seconds=%.1f%n",
                    words * epochs, sorted.length, seconds);
        }
    }
}
