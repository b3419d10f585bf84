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

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * Where the {@code redis-server} binary comes from, in order: the system property
 * {@value #SYSTEM_PROPERTY}, the environment variable {@value #ENVIRONMENT_VARIABLE}, the
 * {@code PATH}, then the statically linked Redis {@value #EMBEDDED_VERSION} that the
 * Maven Central artifact {@code org.signal:embedded-redis} ships for Linux and macOS
 * (extracted once into {@code ~/.cache/slotwise}).
 *
 * @param path the executable
 * @param source where it was found, for messages
 */
public record RedisServerBinary(Path path, String source) {

	/** System property naming a {@code redis-server} executable. */
	public static final String SYSTEM_PROPERTY = "slotwise.redis-server";

	/** Environment variable naming a {@code redis-server} executable. */
	public static final String ENVIRONMENT_VARIABLE = "SLOTWISE_REDIS_SERVER";

	/** Version of the binary shipped by {@code org.signal:embedded-redis}. */
	public static final String EMBEDDED_VERSION = "7.0.15";

	static final String INSTALL_HINT = "Install Redis 7 (Debian/Ubuntu: 'sudo apt-get install redis-server'; macOS: "
			+ "'brew install redis'), or point -D" + SYSTEM_PROPERTY + " or " + ENVIRONMENT_VARIABLE
			+ " at a redis-server executable, or keep org.signal:embedded-redis on the test classpath.";

	/**
	 * Find a binary the usual way.
	 * @return the binary
	 * @throws IllegalStateException if none can be found, with a message that says how to
	 * install one
	 */
	public static RedisServerBinary find() {
		return find(System.getProperties(), System.getenv());
	}

	static RedisServerBinary find(Properties systemProperties, Map<String, String> environment) {
		String configured = systemProperties.getProperty(SYSTEM_PROPERTY);
		if (configured != null && !configured.isBlank()) {
			return configured(Path.of(configured), "system property " + SYSTEM_PROPERTY);
		}
		configured = environment.get(ENVIRONMENT_VARIABLE);
		if (configured != null && !configured.isBlank()) {
			return configured(Path.of(configured), "environment variable " + ENVIRONMENT_VARIABLE);
		}
		Optional<Path> onPath = onPath(environment.get("PATH"));
		if (onPath.isPresent()) {
			return new RedisServerBinary(onPath.get(), "PATH");
		}
		return embeddedIfAvailable()
			.orElseThrow(() -> new IllegalStateException("No redis-server executable was found on the PATH, and "
					+ "org.signal:embedded-redis has no binary for " + platform() + ". " + INSTALL_HINT));
	}

	/**
	 * The binary shipped by {@code org.signal:embedded-redis}, extracted to the cache
	 * folder if needed.
	 * @return the embedded binary
	 * @throws IllegalStateException if the artifact is not on the classpath or has no
	 * binary for this platform
	 */
	public static RedisServerBinary embedded() {
		return embeddedIfAvailable().orElseThrow(() -> new IllegalStateException(
				"org.signal:embedded-redis has no redis-server for " + platform() + ". " + INSTALL_HINT));
	}

	private static RedisServerBinary configured(Path path, String source) {
		if (!Files.isExecutable(path)) {
			throw new IllegalStateException("The " + source + " names '" + path
					+ "', which is not an executable file. Point it at a redis-server binary, or unset it to "
					+ "use the one on the PATH.");
		}
		return new RedisServerBinary(path, source);
	}

	private static Optional<Path> onPath(@Nullable String path) {
		if (path == null) {
			return Optional.empty();
		}
		for (String entry : path.split(File.pathSeparator)) {
			if (!entry.isBlank()) {
				Path candidate = Path.of(entry, "redis-server");
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return Optional.of(candidate);
				}
			}
		}
		return Optional.empty();
	}

	private static Optional<RedisServerBinary> embeddedIfAvailable() {
		String resource = "redis-server-" + EMBEDDED_VERSION + "-" + platform();
		ClassLoader classLoader = RedisServerBinary.class.getClassLoader();
		if (classLoader.getResource(resource) == null) {
			return Optional.empty();
		}
		Path target = cacheFolder().resolve(resource);
		if (!Files.isExecutable(target)) {
			extract(classLoader, resource, target);
		}
		return Optional.of(new RedisServerBinary(target, "org.signal:embedded-redis"));
	}

	private static void extract(ClassLoader classLoader, String resource, Path target) {
		try {
			Files.createDirectories(target.getParent());
			Path partial = Files.createTempFile(target.getParent(), resource, ".partial");
			try (InputStream in = classLoader.getResourceAsStream(resource)) {
				if (in == null) {
					throw new IllegalStateException("Resource " + resource + " disappeared from the classpath");
				}
				Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
			}
			if (!partial.toFile().setExecutable(true, false)) {
				throw new IllegalStateException("Could not make " + partial + " executable");
			}
			try {
				Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not extract " + resource + " to " + target, ex);
		}
	}

	private static Path cacheFolder() {
		String xdg = System.getenv("XDG_CACHE_HOME");
		Path base = (xdg != null && !xdg.isBlank()) ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
		return base.resolve("slotwise");
	}

	static String platform() {
		String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		String osName = os.contains("mac") ? "darwin" : (os.contains("linux") ? "linux" : os.replace(' ', '-'));
		String archName = switch (arch) {
			case "amd64", "x86_64" -> "amd64";
			case "aarch64", "arm64" -> "arm64";
			case "x86", "i386", "i686" -> "386";
			default -> arch;
		};
		return osName + "-" + archName;
	}

	@Override
	public String toString() {
		return this.path + " (from " + this.source + ")";
	}

}
