package dev.queryrelay.snowflake;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;

/** RSA key pairs written as PKCS#8 PEM files ({@code .p8}), as Snowflake's key-pair auth takes them. */
final class TestKeys {

    private static final String PBES2 = "PBEWithHmacSHA256AndAES_256";

    private TestKeys() {
    }

    static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** Writes {@code -----BEGIN PRIVATE KEY-----}. */
    static Path writeUnencrypted(KeyPair keys, Path file) throws IOException {
        return write(file, "PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /**
     * Writes {@code -----BEGIN ENCRYPTED PRIVATE KEY-----}: PBES2 with PBKDF2-HMAC-SHA256 and
     * AES-256-CBC, what {@code openssl pkcs8 -topk8 -v2 aes256} produces, made with the JDK alone.
     */
    static Path writeEncrypted(KeyPair keys, char[] passphrase, Path file) throws IOException, GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        random.nextBytes(salt);
        random.nextBytes(iv);
        PBEParameterSpec spec = new PBEParameterSpec(salt, 10_000, new IvParameterSpec(iv));
        Cipher cipher = Cipher.getInstance(PBES2);
        cipher.init(Cipher.ENCRYPT_MODE,
                SecretKeyFactory.getInstance(PBES2).generateSecret(new PBEKeySpec(passphrase)), spec);
        byte[] encrypted = cipher.doFinal(keys.getPrivate().getEncoded());
        // JDK 17 cannot name "PBEWithHmacSHA256AndAES_256" in a key info; its PBES2 form is the same
        AlgorithmParameters pbes2 = AlgorithmParameters.getInstance("PBES2");
        pbes2.init(cipher.getParameters().getEncoded());
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(pbes2, encrypted);
        return write(file, "ENCRYPTED PRIVATE KEY", info.getEncoded());
    }

    /** The PEM body's base64 text, for checking that no log shows the key. */
    static String base64(KeyPair keys) {
        return Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded());
    }

    private static Path write(Path file, String label, byte[] der) throws IOException {
        String pem = "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
        return Files.writeString(file, pem);
    }
}
