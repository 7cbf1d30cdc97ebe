package org.seq4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.seq4j.lm.CharLanguageModel;
import org.seq4j.lm.CharLmConfig;
import org.seq4j.lm.CharLmTrainer;
import org.seq4j.lm.SamplingOptions;
import org.seq4j.lm.TextGenerator;
import org.seq4j.lm.TrainingConfig;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.random.SplitMix64;
import org.seq4j.rnn.CellType;
import org.seq4j.kernel.Gemm;
import org.seq4j.text.CharacterVocabulary;

/**
 * Character-level language-model speed: training tokens per second and batch-1 generation microseconds
 * per character. Not a test; run by {@code bench/training.sh}, which also runs the PyTorch equivalent
 * ({@code bench/charrnn_speed_torch.py}) on the same configurations and prints the ratios.
 *
 * <pre>
 *   model     Embedding(V, H) → L × LSTM/GRU/RNN(tanh)(H) → Linear(H, V), PyTorch's initialisation
 *   step      CharLmTrainer.step(): B streams × T steps, cross-entropy (mean over T·B), backward,
 *             global-norm clipping at 5, Adam(lr 2e-3)
 *   training  warm-up (at least --warmup steps and --warmup-seconds), then timed steps until
 *             --seconds have passed (at least --min-steps); tokens/s = B·T·steps / wall seconds
 *   generate  TextGenerator with temperature 1 (softmax + one multinomial draw per character), state
 *             carried; warm-up characters, then characters until --gen-seconds have passed;
 *             µs/char = wall seconds / characters
 * </pre>
 * It also prints {@code allocated_bytes_timed_steps}, the bytes the main thread allocated over all timed
 * steps: a few hundred to two thousand whatever the number of steps (40 or 3,500), so none per step (the
 * tests check that a steady-state step allocates nothing). Next to the wall-clock figures it prints
 * the CPU time of the main thread per step and per character:
 * with one thread ({@code -Dseq4j.threads=1}) that is the cost of the work whatever else runs on the
 * machine, a steadier figure for comparing two versions of seq4j than the wall clock of a busy machine.
 *
 * <p>The warm-up is longer than the PyTorch script's five steps because HotSpot compiles the hot loops
 * during the first seconds; the timed part measures the steady state, as the PyTorch figure does.
 * Batches here are char-rnn's contiguous streams with the state carried (the trainer's batching); the
 * PyTorch script draws random windows with a zero state. The arithmetic per step is the same.
 *
 * <p>Prints one line {@code JSON {...}} with the figures. Options: {@code --data FILE --cell lstm|gru|rnn
 * --hidden H --layers L --batch B --seq T --seconds S --warmup N --warmup-seconds S --min-steps N
 * --generate 0|1 --gen-seconds S --seed N --label TEXT}.
 */
public final class CharRnnBench {

    private static final java.lang.management.ThreadMXBean THREAD_CLOCK = ManagementFactory.getThreadMXBean();

    private CharRnnBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args the options of the class documentation
     * @throws IOException if the text cannot be read
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> o = options(args);
        Gemm.awaitVectorKernels();   // loaded and warmed up in the background; time only the kernels in use
        Path data = Path.of(o.getOrDefault("data", "examples/data/tinyshakespeare/input.txt"));
        CellType cell = switch (o.getOrDefault("cell", "lstm")) {
            case "lstm" -> CellType.LSTM;
            case "gru" -> CellType.GRU;
            case "rnn" -> CellType.RNN_TANH;
            default -> throw new IllegalArgumentException("--cell must be lstm, gru or rnn");
        };
        int hidden = Integer.parseInt(o.getOrDefault("hidden", "128"));
        int layers = Integer.parseInt(o.getOrDefault("layers", "2"));
        int batch = Integer.parseInt(o.getOrDefault("batch", "50"));
        int seq = Integer.parseInt(o.getOrDefault("seq", "50"));
        double seconds = Double.parseDouble(o.getOrDefault("seconds", "3"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "5"));
        double warmupSeconds = Double.parseDouble(o.getOrDefault("warmup-seconds", "2"));
        int minSteps = Integer.parseInt(o.getOrDefault("min-steps", "3"));
        boolean generate = Integer.parseInt(o.getOrDefault("generate", "0")) > 0;
        double genSeconds = Double.parseDouble(o.getOrDefault("gen-seconds", "2"));
        long seed = Long.parseLong(o.getOrDefault("seed", "1"));

        String text = Files.readString(data, StandardCharsets.UTF_8);
        CharacterVocabulary vocabulary = CharacterVocabulary.of(text);
        CharLmConfig config = new CharLmConfig(cell, vocabulary.size(), hidden, hidden, layers, 0f);
        CharLanguageModel model = new CharLanguageModel(config, vocabulary, seed);

        Map<String, Object> res = new LinkedHashMap<>();
        res.put("tool", "seq4j");
        res.put("label", o.getOrDefault("label", ""));
        res.put("cell", o.getOrDefault("cell", "lstm"));
        res.put("hidden", hidden);
        res.put("layers", layers);
        res.put("batch", batch);
        res.put("seq", seq);
        res.put("threads", Gemm.threads());
        res.put("java", System.getProperty("java.version"));
        res.put("params", model.parameters().numElements());

        if (seconds > 0) {
            TrainingConfig training = TrainingConfig.builder().batchSize(batch).seqLength(seq)
                    .clipGlobalNorm(5).seed(seed).build();
            CharLmTrainer trainer = CharLmTrainer.create(model, text, training,
                    p -> new Adam(p, AdamConfig.adam().learningRate(2e-3).build()));
            long start = System.nanoTime();
            int warm = 0;
            while (warm < warmup || System.nanoTime() - start < warmupSeconds * 1e9) {
                trainer.step();
                warm++;
            }
            double warmSeconds = (System.nanoTime() - start) / 1e9;
            // reading the counter allocates a little itself (about 0.8 KB while it is not yet compiled):
            // measure that once and take it off
            long readingCost = -allocatedBytes() + allocatedBytes();
            long cpuBefore = THREAD_CLOCK.getCurrentThreadCpuTime();
            long allocatedBefore = allocatedBytes();
            double lossSum = 0;
            int steps = 0;
            start = System.nanoTime();
            long elapsed;
            do {
                lossSum += trainer.step();
                steps++;
                elapsed = System.nanoTime() - start;
            } while (steps < minSteps || elapsed < seconds * 1e9);
            double secs = elapsed / 1e9;
            long allocated = Math.max(0, allocatedBytes() - allocatedBefore - readingCost);
            double cpuSeconds = (THREAD_CLOCK.getCurrentThreadCpuTime() - cpuBefore) / 1e9;
            res.put("warmup_steps", warm);
            res.put("warmup_seconds", round(warmSeconds, 3));
            res.put("steps", steps);
            res.put("seconds", round(secs, 3));
            res.put("tokens_per_sec", round((double) batch * seq * steps / secs, 1));
            res.put("ms_per_step", round(1000 * secs / steps, 3));
            res.put("main_thread_cpu_ms_per_step", round(1000 * cpuSeconds / steps, 3));
            res.put("loss_mean_timed", round(lossSum / steps, 4));
            res.put("allocated_bytes_timed_steps", allocated);
        }

        if (generate) {
            TextGenerator generator = model.generator(SamplingOptions.withTemperature(1.0), new SplitMix64(seed));
            generator.prime("\n");
            long start = System.nanoTime();
            int warm = 0;
            while (warm < 50 || System.nanoTime() - start < 1e9) {
                generator.next();
                warm++;
            }
            StringBuilder sample = new StringBuilder();
            int chars = 0;
            long cpuBefore = THREAD_CLOCK.getCurrentThreadCpuTime();
            start = System.nanoTime();
            long elapsed;
            do {
                int codePoint = generator.next();
                if (chars < 200) {
                    sample.appendCodePoint(codePoint);
                }
                chars++;
                elapsed = System.nanoTime() - start;
            } while (chars < 100 || elapsed < genSeconds * 1e9);
            res.put("generate_chars", chars);
            res.put("generate_seconds", round(elapsed / 1e9, 3));
            res.put("us_per_char", round(elapsed / 1e3 / chars, 1));
            res.put("main_thread_cpu_us_per_char",
                    round((THREAD_CLOCK.getCurrentThreadCpuTime() - cpuBefore) / 1e3 / chars, 1));
            res.put("sample", sample.toString());
        }
        System.out.println("JSON " + json(res));
    }

    private static long allocatedBytes() {
        if (THREAD_CLOCK instanceof com.sun.management.ThreadMXBean sun) {
            return sun.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return 0;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs but got " + String.join(" ", args));
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        return o;
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    private static String json(Map<String, Object> map) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('"').append(e.getKey()).append("\": ");
            Object v = e.getValue();
            if (v instanceof String s) {
                sb.append('"');
                for (char c : s.toCharArray()) {
                    switch (c) {
                        case '"' -> sb.append("\\\"");
                        case '\\' -> sb.append("\\\\");
                        case '\n' -> sb.append("\\n");
                        default -> {
                            if (c < 0x20) {
                                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                            } else {
                                sb.append(c);
                            }
                        }
                    }
                }
                sb.append('"');
            } else {
                sb.append(v);
            }
        }
        return sb.append('}').toString();
    }
}
