/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.slotwise.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * PEM files for a TLS-only test cluster: a throw-away certificate authority and a server
 * certificate it signed for {@code 127.0.0.1} and {@code localhost}. Generating needs
 * {@code org.bouncycastle:bcpkix-jdk18on} on the test classpath.
 *
 * @param caCertificate the CA certificate clients trust
 * @param certificate the server certificate every node presents
 * @param privateKey the server certificate's private key
 */
public record TlsMaterial(Path caCertificate, Path certificate, Path privateKey) {

	/**
	 * Generate a fresh CA and server certificate, valid for one day, into a folder.
	 * @param folder where to write {@code ca.crt}, {@code redis.crt} and
	 * {@code redis.key}
	 * @return the files
	 */
	public static TlsMaterial generate(Path folder) {
		try {
			Files.createDirectories(folder);
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048, new SecureRandom());
			KeyPair caKeys = generator.generateKeyPair();
			KeyPair serverKeys = generator.generateKeyPair();
			X500Name caName = new X500Name("CN=Slotwise Test CA");
			Instant now = Instant.now();
			Date notBefore = Date.from(now.minus(Duration.ofMinutes(5)));
			Date notAfter = Date.from(now.plus(Duration.ofDays(1)));
			JcaX509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, notBefore,
					notAfter, caName, caKeys.getPublic());
			ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
			ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
			X509Certificate caCertificate = sign(ca, caKeys);
			JcaX509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, notBefore,
					notAfter, new X500Name("CN=localhost"), serverKeys.getPublic());
			server.addExtension(Extension.subjectAlternativeName, false,
					new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.dNSName, "localhost"),
							new GeneralName(GeneralName.iPAddress, "127.0.0.1") }));
			server.addExtension(Extension.keyUsage, true,
					new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
			X509Certificate serverCertificate = sign(server, caKeys);
			TlsMaterial files = new TlsMaterial(folder.resolve("ca.crt"), folder.resolve("redis.crt"),
					folder.resolve("redis.key"));
			writePem(files.caCertificate(), caCertificate);
			writePem(files.certificate(), serverCertificate);
			writePem(files.privateKey(), serverKeys.getPrivate());
			return files;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write TLS material to " + folder, ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not generate TLS material", ex);
		}
	}

	private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair issuer)
			throws OperatorCreationException, java.security.cert.CertificateException {
		ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(issuer.getPrivate());
		X509CertificateHolder holder = builder.build(signer);
		return new JcaX509CertificateConverter().getCertificate(holder);
	}

	private static void writePem(Path file, Object object) throws IOException {
		try (Writer writer = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(writer)) {
			pem.writeObject(object);
		}
	}

}
