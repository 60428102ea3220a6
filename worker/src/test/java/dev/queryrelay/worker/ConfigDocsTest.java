package dev.queryrelay.worker;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfigDocsTest {

    @Test
    void docsConfigurationMdIsGeneratedFromTheConfigTable() throws Exception {
        Path docs = Path.of("..", "docs", "configuration.md");
        assertEquals(ConfigDocs.markdown(), Files.readString(docs),
                "docs/configuration.md is stale: regenerate it with ConfigDocs (see its Javadoc)");
    }
}
