package dev.queryrelay.bench;

import java.util.Set;

/**
 * Limit (a) of the benchmark: a do-nothing consumer→producer that copies every record of one
 * topic to another, with the worker's client settings. What no worker can beat on a broker.
 *
 * <pre>java -cp CLASSPATH dev.queryrelay.bench.PipeMain --bootstrap=HOST:PORT --in=TOPIC --out=TOPIC --group=GROUP</pre>
 */
public final class PipeMain {

    private PipeMain() {
    }

    public static void main(String[] arguments) {
        Args args = Args.parse(arguments, Set.of("bootstrap", "in", "out", "group"));
        String out = args.required("out");
        RelayLoop loop = new RelayLoop(args.required("bootstrap"), args.required("group"), args.required("in"),
                "bench-pipe", 0);
        loop.run(record -> loop.send(out, record.key(), record.value()));
    }
}
