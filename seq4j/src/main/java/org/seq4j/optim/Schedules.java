package org.seq4j.optim;

/** The implementations behind the {@link LearningRateSchedule} factories. */
final class Schedules {

    private Schedules() {
    }

    static long checkStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be ≥ 0 but was " + step);
        }
        return step;
    }

    static double checkFactor(double gamma) {
        return Optimizers.checkNonNegative(gamma, "Invalid gamma value: ");
    }

    record Constant(double initialRate) implements LearningRateSchedule {
        Constant {
            Optimizers.checkLearningRate(initialRate);
        }

        @Override
        public double learningRate(long step) {
            checkStep(step);
            return initialRate;
        }
    }

    record StepDecay(double initialRate, long stepSize, double gamma) implements LearningRateSchedule {
        StepDecay {
            Optimizers.checkLearningRate(initialRate);
            if (stepSize < 1) {
                throw new IllegalArgumentException("stepSize must be ≥ 1 but was " + stepSize);
            }
            checkFactor(gamma);
        }

        @Override
        public double learningRate(long step) {
            return initialRate * Math.pow(gamma, checkStep(step) / stepSize);
        }
    }

    record Exponential(double initialRate, double gamma) implements LearningRateSchedule {
        Exponential {
            Optimizers.checkLearningRate(initialRate);
            checkFactor(gamma);
        }

        @Override
        public double learningRate(long step) {
            return initialRate * Math.pow(gamma, checkStep(step));
        }
    }

    record LinearDecay(double initialRate, long totalSteps, double floorFraction) implements LearningRateSchedule {
        LinearDecay {
            Optimizers.checkLearningRate(initialRate);
            if (totalSteps < 1) {
                throw new IllegalArgumentException("totalSteps must be ≥ 1 but was " + totalSteps);
            }
            if (!(floorFraction >= 0 && floorFraction <= 1)) {
                throw new IllegalArgumentException("floorFraction must be in [0, 1] but was " + floorFraction);
            }
        }

        @Override
        public double learningRate(long step) {
            double progress = (double) checkStep(step) / totalSteps;
            return initialRate * Math.max(floorFraction, 1 - progress);
        }
    }

    record WarmupCosine(double initialRate, long warmupSteps, long totalSteps, double minimumRate)
            implements LearningRateSchedule {
        WarmupCosine {
            Optimizers.checkLearningRate(initialRate);
            if (warmupSteps < 0) {
                throw new IllegalArgumentException("warmupSteps must be ≥ 0 but was " + warmupSteps);
            }
            if (totalSteps <= warmupSteps) {
                throw new IllegalArgumentException("totalSteps must be > warmupSteps (" + warmupSteps
                        + ") but was " + totalSteps);
            }
            if (!(minimumRate >= 0 && minimumRate <= initialRate)) {
                throw new IllegalArgumentException(
                        "minimumRate must be in [0, " + initialRate + "] but was " + minimumRate);
            }
        }

        @Override
        public double learningRate(long step) {
            checkStep(step);
            if (step < warmupSteps) {
                return initialRate * (step + 1) / warmupSteps;
            }
            if (step >= totalSteps) {
                return minimumRate;
            }
            double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
            return minimumRate + (initialRate - minimumRate) * (1 + Math.cos(Math.PI * progress)) / 2;
        }
    }
}
