package dev.queryrelay.snowflake;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Removes known secret values (passwords, tokens, key passphrases) from text that is about to
 * leave the provider in an exception message, as a second line of defence: the provider never
 * puts configuration values into messages itself, but driver messages are not under its control.
 */
final class Redactor {

    static final String MASK = "****";
    private static final int MIN_SECRET_LENGTH = 4;

    private volatile List<String> secrets;

    Redactor(List<String> secrets) {
        this.secrets = normalize(secrets);
    }

    /** Learns one more secret value (e.g. a rotated token read again from its file). */
    synchronized void add(String secret) {
        if (secret != null && !secrets.contains(secret)) {
            List<String> more = new ArrayList<>(secrets);
            more.add(secret);
            secrets = normalize(more);
        }
    }

    private static List<String> normalize(List<String> secrets) {
        return secrets.stream()
                .filter(Objects::nonNull)
                .filter(s -> s.length() >= MIN_SECRET_LENGTH)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    static Redactor none() {
        return new Redactor(List.of());
    }

    String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, MASK);
        }
        return result;
    }

    boolean containsSecret(String text) {
        List<String> known = secrets;
        return text != null && known.stream().anyMatch(text::contains);
    }
}
