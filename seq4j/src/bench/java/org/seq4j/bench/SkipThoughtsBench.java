package org.seq4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.kernel.Gemm;
import org.seq4j.skipthoughts.SentenceTriples;
import org.seq4j.skipthoughts.SkipThoughtsConfig;
import org.seq4j.skipthoughts.SkipThoughtsModel;
import org.seq4j.skipthoughts.SkipThoughtsTrainer;
import org.seq4j.skipthoughts.SkipThoughtsTrainingConfig;
import org.seq4j.text.WordTokenizer;
import org.seq4j.text.WordVocabulary;

/**
 * Skip-Thoughts speed: training triples per second and encoding sentences per second. Not a test; run by
 * {@code bench/skipthoughts_vs_pytorch.sh} beside the PyTorch implementation of the same model
 * ({@code bench/skipthoughts_torch.py}).
 *
 * <pre>
 *   data      the books bundled with the skipthoughts example (src/examples/resources/skipthoughts), or
 *             --data FILE (one sentence per line); WordTokenizer; the --vocab most frequent words;
 *             sentences cut after --max-length tokens; 2 % of every document held out
 *   model     SkipThoughtsModel --mode uni|bi, --dim D, --embedding E
 *   training  SkipThoughtsTrainer.step(): a batch of --batch triples bucketed by the middle sentence's
 *             length, forward, backward, clipping at global norm 10, Adam 2e-3; warm-up (--warmup steps
 *             and --warmup-seconds), then timed steps until --seconds have passed (at least 3);
 *             triples/s = B·steps / wall seconds
 *   encoding  SkipThoughtsModel.encode of the first --encode sentences (raw text: tokenizing, grouping by
 *             length, the encoder, normalising); one warm-up pass, then passes until --seconds;
 *             sentences/s = sentences·passes / wall seconds
 * </pre>
 * Prints one line {@code JSON {...}} with the figures.
 */
public final class SkipThoughtsBench {

    private static final List<String> BOOKS = List.of("austen-emma", "austen-persuasion", "austen-sense",
            "carroll-alice", "chesterton-brown", "chesterton-thursday", "bryant-stories", "burgess-busterbrown");

    private SkipThoughtsBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code --option value} pairs, see the class documentation
     * @throws IOException          if the data cannot be read
     * @throws InterruptedException if interrupted while the vector kernels warm up
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Gemm.awaitVectorKernels();
        SkipThoughtsConfig.Mode mode = o.getOrDefault("mode", "uni").equals("bi")
                ? SkipThoughtsConfig.Mode.BI : SkipThoughtsConfig.Mode.UNI;
        int dim = Integer.parseInt(o.getOrDefault("dim", "256"));
        int embedding = Integer.parseInt(o.getOrDefault("embedding", "128"));
        int vocab = Integer.parseInt(o.getOrDefault("vocab", "5000"));
        int maxLength = Integer.parseInt(o.getOrDefault("max-length", "30"));
        int batch = Integer.parseInt(o.getOrDefault("batch", "64"));
        double seconds = Double.parseDouble(o.getOrDefault("seconds", "10"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "10"));
        double warmupSeconds = Double.parseDouble(o.getOrDefault("warmup-seconds", "5"));
        int encodeCount = Integer.parseInt(o.getOrDefault("encode", "5000"));

        List<List<String>> documents = o.containsKey("data")
                ? SentenceTriples.readDocuments(Path.of(o.get("data"))) : bundled(o.get("books"));
        WordTokenizer tokenizer = new WordTokenizer();
        WordVocabulary vocabulary = SentenceTriples.vocabulary(documents, tokenizer, vocab, maxLength);
        SentenceTriples[] parts = SentenceTriples.of(documents, tokenizer, vocabulary, maxLength).split(0.02);
        SkipThoughtsModel model = new SkipThoughtsModel(new SkipThoughtsConfig(mode, vocabulary.size(), embedding,
                dim), vocabulary, 1);
        SkipThoughtsTrainer trainer = SkipThoughtsTrainer.create(model, parts[0], parts[1],
                SkipThoughtsTrainingConfig.defaults().withBatchSize(batch).withEpochs(1000));

        long start = System.nanoTime();
        for (int s = 0; s < warmup || System.nanoTime() - start < warmupSeconds * 1e9; s++) {
            trainer.step();
        }
        long steps = 0;
        start = System.nanoTime();
        double loss = 0;
        while (steps < 3 || System.nanoTime() - start < seconds * 1e9) {
            loss = trainer.step();
            steps++;
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;

        List<String> sentences = new ArrayList<>();
        for (List<String> document : documents) {
            for (String s : document) {
                if (sentences.size() < encodeCount) {
                    sentences.add(s);
                }
            }
        }
        FMatrixRMaj vectors = new FMatrixRMaj(0, 0);
        model.encode(sentences, vectors);
        int passes = 0;
        start = System.nanoTime();
        while (passes < 1 || System.nanoTime() - start < seconds * 1e9) {
            model.encode(sentences, vectors);
            passes++;
        }
        double encodeSeconds = (System.nanoTime() - start) / 1e9;

        System.out.println("JSON " + String.format(Locale.ROOT, "{\"tool\":\"seq4j\",\"mode\":\"%s\",\"dim\":%d,"
                        + "\"embedding\":%d,\"vocab\":%d,\"batch\":%d,\"threads\":%d,\"train_steps\":%d,"
                        + "\"train_triples_per_sec\":%.2f,\"last_loss\":%.4f,\"encode_sentences\":%d,"
                        + "\"encode_sentences_per_sec\":%.1f}", mode.name().toLowerCase(Locale.ROOT), dim, embedding,
                vocabulary.size(), batch, Gemm.threads(), steps, steps * batch / trainSeconds, loss,
                sentences.size(), sentences.size() * passes / encodeSeconds));
    }

    /** The bundled books (all, or the comma-separated names given), one document each. */
    private static List<List<String>> bundled(String names) throws IOException {
        Path dir = Path.of("seq4j/src/examples/resources/skipthoughts");
        List<List<String>> documents = new ArrayList<>();
        for (String book : names == null ? BOOKS : List.of(names.split(","))) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve(book + ".txt.gz")))) {
                documents.addAll(SentenceTriples.readDocuments(in));
            }
        }
        return documents;
    }
}
