package dev.queryrelay.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.CharsetDecoder;
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
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return "zero byte at offset " + i + " (UTF-16 or UTF-32 text?)";
            }
        }
        try {
            decoder().decode(ByteBuffer.wrap(bytes));
            return null;
        } catch (CharacterCodingException e) {
            return "malformed UTF-8 (" + e.getMessage() + ")";
        }
    }

    static boolean isValid(byte[] bytes) {
        return problem(bytes) == null;
    }

    /** The text of {@code bytes}, or null when they are null or not well-formed UTF-8. */
    static String decodeOrNull(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return decoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static CharsetDecoder decoder() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
