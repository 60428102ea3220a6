package dev.queryrelay.protocol;

import java.nio.charset.StandardCharsets;

/** Strict UTF-8 checks of record keys and values: nothing is replaced, a bad byte is an error. */
final class Utf8 {

    private Utf8() {
    }

    /**
     * Why {@code bytes} is not UTF-8 JSON text, or null when it is: every sequence well formed, no
     * byte order mark and no zero byte (which UTF-16 and UTF-32 text has and JSON never needs).
     */
    static String problem(byte[] bytes) {
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            return "it starts with a byte order mark";
        }
        int bad = firstBad(bytes, true);
        if (bad < 0) {
            return null;
        }
        return bytes[bad] == 0 ? "zero byte at offset " + bad + " (UTF-16 or UTF-32 text?)"
                : "malformed UTF-8 at offset " + bad;
    }

    /**
     * The offset of the first byte that does not begin a well-formed sequence (or is zero, when
     * {@code zeroIsBad}), or -1. ASCII bytes, almost all of a command, are passed over in a tight loop.
     */
    private static int firstBad(byte[] bytes, boolean zeroIsBad) {
        int i = 0;
        while (i < bytes.length) {
            byte b = bytes[i];
            if (b > 0) {
                i++;
                continue;
            }
            if (b == 0) {
                if (zeroIsBad) {
                    return i;
                }
                i++;
                continue;
            }
            int length = sequenceLength(bytes, i);
            if (length < 0) {
                return i;
            }
            i += length;
        }
        return -1;
    }

    /**
     * The length of the well-formed UTF-8 sequence at {@code i} (Unicode's table 3-7: no overlong
     * forms, no surrogates, nothing above U+10FFFF), or -1. No allocation: every command value passes here.
     */
    private static int sequenceLength(byte[] bytes, int i) {
        int b = bytes[i] & 0xFF;
        if (b < 0x80) {
            return 1;
        }
        int length;
        int min = 0x80;
        int max = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            length = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            length = 3;
            if (b == 0xE0) {
                min = 0xA0;
            } else if (b == 0xED) {
                max = 0x9F;
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            length = 4;
            if (b == 0xF0) {
                min = 0x90;
            } else if (b == 0xF4) {
                max = 0x8F;
            }
        } else {
            return -1;
        }
        if (i + length > bytes.length) {
            return -1;
        }
        int second = bytes[i + 1] & 0xFF;
        if (second < min || second > max) {
            return -1;
        }
        for (int k = 2; k < length; k++) {
            int next = bytes[i + k] & 0xFF;
            if (next < 0x80 || next > 0xBF) {
                return -1;
            }
        }
        return length;
    }

    static boolean isValid(byte[] bytes) {
        return problem(bytes) == null;
    }

    /** The text of {@code bytes}, or null when they are null or not well-formed UTF-8. */
    static String decodeOrNull(byte[] bytes) {
        if (bytes == null || !isWellFormed(bytes)) {
            return null;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Whether every sequence of {@code bytes} is well-formed UTF-8. */
    static boolean isWellFormed(byte[] bytes) {
        return firstBad(bytes, false) < 0;
    }
}
