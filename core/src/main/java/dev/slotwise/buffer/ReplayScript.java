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

package dev.slotwise.buffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script the write buffer replays with: its source, read once from the classpath,
 * and its SHA-1 for {@code EVALSHA}.
 *
 * @param location the classpath location
 * @param source the script
 * @param sha1 the SHA-1 of the script, hex
 */
record ReplayScript(String location, byte[] source, String sha1) {

	/** A versioned put: set unless the key holds a value at least as new. */
	static final ReplayScript SET_IF_NEWER = load("META-INF/slotwise/scripts/set_if_newer.lua");

	/** A plain put: set if absent, and say whether a present value is the same. */
	static final ReplayScript SET_IF_ABSENT = load("META-INF/slotwise/scripts/set_if_absent.lua");

	private static ReplayScript load(String location) {
		try (InputStream in = ReplayScript.class.getClassLoader().getResourceAsStream(location)) {
			if (in == null) {
				throw new IllegalStateException(location + " is missing from the classpath");
			}
			byte[] source = in.readAllBytes();
			return new ReplayScript(location, source, sha1(source));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String sha1(byte[] source) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
