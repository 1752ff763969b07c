package io.jingress.core.internal.lb;

import io.jingress.core.lb.Endpoint;
import io.jingress.core.lb.PickContext;
import io.jingress.core.lb.Strategy;
import java.util.Arrays;

/**
 * Cookie affinity in ingress-nginx's {@code balanced} mode ({@code affinity-mode: balanced}, its
 * {@code sticky_balanced.lua}): the cookie holds a random session key, and the key's endpoint is
 * found by consistent hashing over the endpoints there are now (the Ketama ring of
 * {@link RingHashBalancer}). While the endpoints stay the same, every session stays where it is;
 * when endpoints are added, about the share the new ones should take moves to them, the rest
 * stays; a removed endpoint's sessions spread over the others by the ring. A moved session keeps
 * its cookie (as in ingress-nginx): only its endpoint changed.
 *
 * <p>The value is {@code KEY|TAG}: 16 hex digits of the key, then 8 naming this backend, so that
 * a route with a canary can tell whose session it is ({@link #affinitized}). A value that is not
 * such a key (or a key whose endpoint is ejected or already tried) gets a new session: a random key
 * whose endpoint is eligible (up to {@value #MAX_TRIES} draws, as ingress-nginx), told in a new
 * cookie. A lookup of a valid cookie allocates nothing.
 */
final class BalancedCookieBalancer extends BaseBalancer {
    /** ingress-nginx's {@code MAX_UPSTREAM_CHECKS_COUNT}. */
    static final int MAX_TRIES = 20;
    /**
     * Four times the points of {@link RingHashBalancer}: the share of sessions each endpoint gets,
     * and the share that moves on a scale-up, stay within a few percent of the even one.
     */
    static final int POINTS_PER_WEIGHT = 4 * RingHashBalancer.POINTS_PER_WEIGHT;
    private static final int KEY_LENGTH = 16;
    private static final int TAG_LENGTH = 8;
    private static final long TAG_SEED = 0x62616c616e636564L;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String cookieName;
    private final String tag;
    private final long[] ring;

    BalancedCookieBalancer(String cookieName, String backendKey, Endpoint[] endpoints, EndpointState[] states,
            BalancerContext context) {
        super(Strategy.COOKIE_AFFINITY, endpoints, states, context);
        if (endpoints.length > RingHashBalancer.OWNER_MASK) {
            throw new IllegalArgumentException("balanced affinity supports at most " + RingHashBalancer.OWNER_MASK
                    + " endpoints");
        }
        this.cookieName = cookieName;
        this.tag = String.format("%08x", XxHash64.hash(backendKey, TAG_SEED) >>> 32);
        this.ring = RingHashBalancer.build(endpoints, POINTS_PER_WEIGHT);
    }

    @Override
    protected int choose(PickContext pickContext, boolean[] skip) {
        String value = pickContext.cookie(cookieName);
        if (value != null && isSessionValue(value)) {
            int owner = owner(parseKey(value));
            if (eligible(owner, pickContext, skip)) {
                return owner;
            }
        }
        long key = 0;
        for (int t = 0; t < MAX_TRIES; t++) {
            key = context.random().nextLong();
            int owner = owner(key);
            if (eligible(owner, pickContext, skip)) {
                pickContext.setAffinityCookie(cookieName, value(key));
                return owner;
            }
        }
        // nearly every endpoint is ineligible: the first eligible one after the last key drawn
        int owner = walk(key, pickContext, skip);
        if (owner >= 0) {
            pickContext.setAffinityCookie(cookieName, value(key));
        }
        return owner;
    }

    @Override
    public boolean affinitized(PickContext pickContext) {
        String value = pickContext.cookie(cookieName);
        return value != null && isSessionValue(value) && value.length() == KEY_LENGTH + 1 + TAG_LENGTH
                && value.regionMatches(KEY_LENGTH + 1, tag, 0, TAG_LENGTH);
    }

    /** The cookie value of session {@code key} on this backend: {@code KEY|TAG}. */
    private String value(long key) {
        char[] text = new char[KEY_LENGTH + 1 + TAG_LENGTH];
        for (int i = KEY_LENGTH - 1; i >= 0; i--) {
            text[i] = HEX[(int) (key & 0xf)];
            key >>>= 4;
        }
        text[KEY_LENGTH] = '|';
        tag.getChars(0, TAG_LENGTH, text, KEY_LENGTH + 1);
        return new String(text);
    }

    /** 16 hex digits, alone or followed by {@code |} and any backend's tag. */
    private static boolean isSessionValue(String value) {
        int length = value.length();
        if (length != KEY_LENGTH && (length != KEY_LENGTH + 1 + TAG_LENGTH || value.charAt(KEY_LENGTH) != '|')) {
            return false;
        }
        for (int i = 0; i < KEY_LENGTH; i++) {
            if (Character.digit(value.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static long parseKey(String value) {
        long key = 0;
        for (int i = 0; i < KEY_LENGTH; i++) {
            key = key << 4 | Character.digit(value.charAt(i), 16);
        }
        return key;
    }

    /** The ring position of a key: mixed, so that keys a client wrote land as evenly as drawn ones. */
    private static long position(long key) {
        long z = key * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & ~RingHashBalancer.OWNER_MASK;
    }

    /** The index of the endpoint owning {@code key}: the first point at or after its position. */
    private int owner(long key) {
        return (int) (ring[slot(key)] & RingHashBalancer.OWNER_MASK);
    }

    private int slot(long key) {
        int at = Arrays.binarySearch(ring, position(key));
        if (at < 0) {
            at = -at - 1;
        }
        return at == ring.length ? 0 : at;
    }

    private int walk(long key, PickContext pickContext, boolean[] skip) {
        int start = slot(key);
        for (int k = 0; k < ring.length; k++) {
            int slot = start + k;
            if (slot >= ring.length) {
                slot -= ring.length;
            }
            int owner = (int) (ring[slot] & RingHashBalancer.OWNER_MASK);
            if (eligible(owner, pickContext, skip)) {
                return owner;
            }
        }
        return -1;
    }

    @Override
    public String affinityMode() {
        return "balanced";
    }

    @Override
    public String affinityCookie() {
        return cookieName;
    }
}
