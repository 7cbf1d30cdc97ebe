package org.seq4j.check;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.tensor.Tensors;

/**
 * Small hand-written networks with correct and deliberately broken backward passes, to test
 * {@link GradientCheck} itself.
 */
final class TinyNetworks {

    private TinyNetworks() {
    }

    static void fillUniform(FMatrixRMaj m, double bound, SplittableRandom random) {
        for (int i = 0; i < m.getNumElements(); i++) {
            m.data[i] = (float) random.nextDouble(-bound, bound);
        }
    }

    /** Mean negative log-likelihood of log-probabilities {@code logp (B, C)} against targets, in double. */
    static double nll(FMatrixRMaj logp, int[] targets) {
        double sum = 0;
        for (int b = 0; b < targets.length; b++) {
            sum -= logp.get(b, targets[b]);
        }
        return sum;
    }

    /** Two-layer perceptron {@code y = sigmoid(tanh(x·W1ᵀ + b1)·W2ᵀ + b2)}, loss {@code mean((y − t)²)}. */
    static final class Mlp {
        enum Bug { NONE, MISSING_B1_GRAD, MISSING_B2_GRAD }

        final Parameter w1;
        final Parameter b1;
        final Parameter w2;
        final Parameter b2;
        final Parameters parameters;
        final FMatrixRMaj x;        // (B, I)
        final FMatrixRMaj dx;       // (B, I)
        final FMatrixRMaj target;   // (B, O)
        final FMatrixRMaj h;        // (B, H)
        final FMatrixRMaj y;        // (B, O)
        final FMatrixRMaj dy;       // (B, O)
        final FMatrixRMaj dh;       // (B, H)
        Bug bug = Bug.NONE;

        Mlp(int batch, int in, int hidden, int out, SplittableRandom random) {
            w1 = new Parameter("w1", hidden, in);
            b1 = new Parameter("b1", hidden);
            w2 = new Parameter("w2", out, hidden);
            b2 = new Parameter("b2", out);
            parameters = Parameters.of(w1, b1, w2, b2);
            for (Parameter p : parameters) {
                fillUniform(p.value(), 1.0, random);
            }
            x = new FMatrixRMaj(batch, in);
            dx = new FMatrixRMaj(batch, in);
            target = new FMatrixRMaj(batch, out);
            fillUniform(x, 1.0, random);
            for (int i = 0; i < target.getNumElements(); i++) {
                target.data[i] = (float) random.nextDouble();
            }
            h = new FMatrixRMaj(batch, hidden);
            y = new FMatrixRMaj(batch, out);
            dy = new FMatrixRMaj(batch, out);
            dh = new FMatrixRMaj(batch, hidden);
        }

        double loss() {
            Tensors.multTransB(x, w1.value(), h);
            Tensors.addRowVector(h, b1.value());
            Tensors.tanh(h, h);
            Tensors.multTransB(h, w2.value(), y);
            Tensors.addRowVector(y, b2.value());
            Tensors.sigmoid(y, y);
            double sum = 0;
            for (int i = 0; i < y.getNumElements(); i++) {
                double d = y.data[i] - target.data[i];
                sum += d * d;
            }
            return sum / y.getNumElements();
        }

        void gradients() {
            parameters.zeroGrad();
            loss();
            int n = y.getNumElements();
            for (int i = 0; i < n; i++) {
                dy.data[i] = 2f * (y.data[i] - target.data[i]) / n;
            }
            Tensors.sigmoidBackward(y, dy, dy);
            Tensors.multAddTransA(dy, h, w2.grad());
            if (bug != Bug.MISSING_B2_GRAD) {
                Tensors.sumRowsAdd(dy, b2.grad());
            }
            Tensors.mult(dy, w2.value(), dh);
            Tensors.tanhBackward(h, dh, dh);
            Tensors.multAddTransA(dh, x, w1.grad());
            if (bug != Bug.MISSING_B1_GRAD) {
                Tensors.sumRowsAdd(dh, b1.grad());
            }
            Tensors.mult(dh, w1.value(), dx);
        }
    }

    /**
     * Elman recurrence {@code h_t = tanh(x_t·Wxᵀ + h_{t−1}·Whᵀ + b)} from a non-zero {@code h0}, with a
     * softmax read-out {@code logp_t = logSoftmax(h_t·Wyᵀ + by)} and the mean NLL over {@code T·B} targets.
     */
    static final class Recurrence {
        enum Bug { NONE, DROP_WH_GRAD_AT_ONE_STEP, DROP_DH_NEXT_AT_ONE_STEP, DROP_READOUT_AT_ONE_STEP }

        final int steps;
        final int batch;
        final int brokenStep;
        final Parameter wx;
        final Parameter wh;
        final Parameter b;
        final Parameter wy;
        final Parameter by;
        final Parameters parameters;
        final FMatrixRMaj[] x;      // T × (B, I)
        final FMatrixRMaj[] dx;     // T × (B, I)
        final FMatrixRMaj h0;       // (B, H)
        final FMatrixRMaj dh0;      // (B, H)
        final int[][] targets;      // T × B
        final FMatrixRMaj[] h;      // T × (B, H)
        final FMatrixRMaj[] logp;   // T × (B, V)
        final FMatrixRMaj dLogits;  // (B, V)
        final FMatrixRMaj dh;       // (B, H)
        final FMatrixRMaj dhNext;   // (B, H)
        Bug bug = Bug.NONE;

        Recurrence(int steps, int batch, int in, int hidden, int vocab, double weightScale, SplittableRandom random) {
            this.steps = steps;
            this.batch = batch;
            this.brokenStep = steps / 2;
            wx = new Parameter("weight_ih", hidden, in);
            wh = new Parameter("weight_hh", hidden, hidden);
            b = new Parameter("bias", hidden);
            wy = new Parameter("weight_out", vocab, hidden);
            by = new Parameter("bias_out", vocab);
            parameters = Parameters.of(wx, wh, b, wy, by);
            for (Parameter p : parameters) {
                fillUniform(p.value(), weightScale, random);
            }
            x = new FMatrixRMaj[steps];
            dx = new FMatrixRMaj[steps];
            h = new FMatrixRMaj[steps];
            logp = new FMatrixRMaj[steps];
            targets = new int[steps][batch];
            for (int t = 0; t < steps; t++) {
                x[t] = new FMatrixRMaj(batch, in);
                fillUniform(x[t], 1.0, random);
                dx[t] = new FMatrixRMaj(batch, in);
                h[t] = new FMatrixRMaj(batch, hidden);
                logp[t] = new FMatrixRMaj(batch, vocab);
                for (int i = 0; i < batch; i++) {
                    targets[t][i] = random.nextInt(vocab);
                }
            }
            h0 = new FMatrixRMaj(batch, hidden);
            fillUniform(h0, 0.5, random);
            dh0 = new FMatrixRMaj(batch, hidden);
            dLogits = new FMatrixRMaj(batch, vocab);
            dh = new FMatrixRMaj(batch, hidden);
            dhNext = new FMatrixRMaj(batch, hidden);
        }

        double loss() {
            double sum = 0;
            for (int t = 0; t < steps; t++) {
                FMatrixRMaj hPrev = t == 0 ? h0 : h[t - 1];
                Tensors.multTransB(x[t], wx.value(), h[t]);
                Tensors.multAddTransB(hPrev, wh.value(), h[t]);
                Tensors.addRowVector(h[t], b.value());
                Tensors.tanh(h[t], h[t]);
                Tensors.multTransB(h[t], wy.value(), logp[t]);
                Tensors.addRowVector(logp[t], by.value());
                Tensors.logSoftmaxRows(logp[t], logp[t]);
                sum += nll(logp[t], targets[t]);
            }
            return sum / (steps * batch);
        }

        void gradients() {
            parameters.zeroGrad();
            loss();
            float scale = 1f / (steps * batch);
            java.util.Arrays.fill(dhNext.data, 0f);
            for (int t = steps - 1; t >= 0; t--) {
                FMatrixRMaj hPrev = t == 0 ? h0 : h[t - 1];
                // dLogits = (softmax − onehot) / (T·B)
                for (int i = 0; i < dLogits.getNumElements(); i++) {
                    dLogits.data[i] = (float) Math.exp(logp[t].data[i]) * scale;
                }
                for (int i = 0; i < batch; i++) {
                    dLogits.add(i, targets[t][i], -scale);
                }
                if (bug == Bug.DROP_READOUT_AT_ONE_STEP && t == brokenStep) {
                    java.util.Arrays.fill(dLogits.data, 0f);
                }
                Tensors.multAddTransA(dLogits, h[t], wy.grad());
                Tensors.sumRowsAdd(dLogits, by.grad());
                Tensors.mult(dLogits, wy.value(), dh);
                if (!(bug == Bug.DROP_DH_NEXT_AT_ONE_STEP && t == brokenStep)) {
                    Tensors.addTo(dhNext, dh);
                }
                Tensors.tanhBackward(h[t], dh, dh);   // dh now holds dA: (B, H)
                Tensors.multAddTransA(dh, x[t], wx.grad());
                if (!(bug == Bug.DROP_WH_GRAD_AT_ONE_STEP && t == brokenStep)) {
                    Tensors.multAddTransA(dh, hPrev, wh.grad());
                }
                Tensors.sumRowsAdd(dh, b.grad());
                Tensors.mult(dh, wx.value(), dx[t]);
                Tensors.mult(dh, wh.value(), dhNext);
            }
            dh0.setTo(dhNext);
        }

        GradientCheck.Builder check() {
            GradientCheck.Builder builder = GradientCheck.builder(this::loss).parameters(parameters);
            for (int t = 0; t < steps; t++) {
                builder.input("x[" + t + "]", x[t], dx[t]);
            }
            return builder.input("h0", h0, dh0);
        }
    }
}
