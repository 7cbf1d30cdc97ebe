package org.seq4j.io;

import java.util.SplittableRandom;

/** Seeded random tensors and strings for round-trip and fuzz tests. */
final class RandomTensors {

    private RandomTensors() {
    }

    /** A tensor of random dtype, rank 0 to 3 (dimensions 0 to 4) and random bit patterns. */
    static NamedTensor tensor(SplittableRandom random, String name) {
        int rank = random.nextInt(4);
        int[] shape = new int[rank];
        int count = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = random.nextInt(5);
            count *= shape[i];
        }
        switch (random.nextInt(4)) {
            case 0: {
                float[] v = new float[count];
                for (int i = 0; i < count; i++) {
                    v[i] = Float.intBitsToFloat(random.nextInt());
                }
                return NamedTensor.of(name, v, shape);
            }
            case 1: {
                double[] v = new double[count];
                for (int i = 0; i < count; i++) {
                    v[i] = Double.longBitsToDouble(random.nextLong());
                }
                return NamedTensor.of(name, v, shape);
            }
            case 2:
                return NamedTensor.of(name, random.ints(count).toArray(), shape);
            default:
                return NamedTensor.of(name, random.longs(count).toArray(), shape);
        }
    }

    /**
     * A string of up to {@code maxLength} code points mixing ASCII, the characters JSON must escape,
     * other control characters, two- and three-byte UTF-8 characters and supplementary characters.
     */
    static String string(SplittableRandom random, int maxLength) {
        int n = random.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(6)) {
                case 0:
                    sb.append((char) ('a' + random.nextInt(26)));
                    break;
                case 1:
                    sb.append("\"\\/\b\f\n\r\t".charAt(random.nextInt(8)));
                    break;
                case 2:
                    sb.append((char) random.nextInt(0x20));
                    break;
                case 3:
                    sb.append((char) (0x80 + random.nextInt(0x780)));
                    break;
                case 4: {
                    char c = (char) (0x800 + random.nextInt(0xF800 - 0x800));
                    sb.append(Character.isSurrogate(c) ? 'x' : c);
                    break;
                }
                default:
                    sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
            }
        }
        return sb.toString();
    }
}
