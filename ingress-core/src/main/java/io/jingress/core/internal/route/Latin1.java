package io.jingress.core.internal.route;

/** Copies keys into the byte pools of {@link HostIndex} and {@link PathIndex}. */
final class Latin1 {
    private Latin1() {
    }

    /**
     * Copies {@code key} into {@code pool} at {@code at} and returns the index after it.
     *
     * @throws IllegalArgumentException if a char is outside Latin-1 (validated hosts and paths are
     *     ASCII, so this names a bug, not bad input)
     */
    static int copy(String key, byte[] pool, int at, String what) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c > 0xFF) {
                throw new IllegalArgumentException(what + " \"" + key + "\" has a char outside Latin-1");
            }
            pool[at++] = (byte) c;
        }
        return at;
    }
}
