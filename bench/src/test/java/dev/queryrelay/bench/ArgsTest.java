package dev.queryrelay.bench;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArgsTest {

    private static final Set<String> KNOWN = Set.of("quick", "out", "count");

    @Test
    void readsValuesAndFlags() {
        Args args = Args.parse(new String[] {"--quick", "--out=/tmp/x", "--count=10_000"}, KNOWN);
        assertTrue(args.flag("quick"));
        assertEquals("/tmp/x", args.required("out"));
        assertEquals(10_000, args.number("count", 0));
    }

    @Test
    void defaultsApplyWhenAbsent() {
        Args args = Args.parse(new String[0], KNOWN);
        assertFalse(args.flag("quick"));
        assertEquals("d", args.get("out", "d"));
        assertEquals(5, args.number("count", 5));
    }

    @Test
    void rejectsUnknownOrMalformedArguments() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Args.parse(new String[] {"--fast"}, KNOWN));
        assertTrue(unknown.getMessage().contains("--fast"));
        assertThrows(IllegalArgumentException.class, () -> Args.parse(new String[] {"quick"}, KNOWN));
        assertThrows(IllegalArgumentException.class, () -> Args.parse(new String[0], KNOWN).required("out"));
        assertThrows(IllegalArgumentException.class,
                () -> Args.parse(new String[] {"--count=many"}, KNOWN).number("count", 0));
    }
}
