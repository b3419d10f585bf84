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

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * A value stored with the time it was written, so that a write replayed after an outage
 * can tell an older value (kept from before the outage: replace it) from a newer one
 * (written by another instance since: keep it). The header is 16 ASCII bytes, {@code SW1}
 * and the write time in milliseconds since the epoch as 13 digits, followed by the
 * payload.
 *
 * @param version the write time in milliseconds since the epoch
 * @param payload the serialized value
 */
public record VersionedValue(long version, byte[] payload) {

	/** Length of the header in bytes. */
	public static final int HEADER_LENGTH = 16;

	private static final byte[] MAGIC = "SW1".getBytes(StandardCharsets.US_ASCII);

	private static final long MAX_VERSION = 9_999_999_999_999L;

	/**
	 * Check the version fits the header.
	 */
	public VersionedValue {
		if (version < 0 || version > MAX_VERSION) {
			throw new IllegalArgumentException("version must be between 0 and " + MAX_VERSION + ", was " + version);
		}
	}

	/**
	 * The bytes to store: header and payload.
	 * @return the encoded value
	 */
	public byte[] encode() {
		byte[] encoded = new byte[HEADER_LENGTH + this.payload.length];
		System.arraycopy(MAGIC, 0, encoded, 0, MAGIC.length);
		byte[] digits = String.format("%013d", this.version).getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(digits, 0, encoded, MAGIC.length, digits.length);
		System.arraycopy(this.payload, 0, encoded, HEADER_LENGTH, this.payload.length);
		return encoded;
	}

	/**
	 * Read stored bytes.
	 * @param stored what Redis returned
	 * @return the value, or {@code null} if the bytes carry no Slotwise header
	 */
	public static @Nullable VersionedValue decode(byte[] stored) {
		if (stored.length < HEADER_LENGTH || !Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
			return null;
		}
		long version = 0;
		for (int i = MAGIC.length; i < HEADER_LENGTH; i++) {
			int digit = stored[i] - '0';
			if (digit < 0 || digit > 9) {
				return null;
			}
			version = version * 10 + digit;
		}
		return new VersionedValue(version, Arrays.copyOfRange(stored, HEADER_LENGTH, stored.length));
	}

	/**
	 * Whether stored bytes carry a version header.
	 * @param stored the bytes
	 * @return whether they are versioned
	 */
	public static boolean isVersioned(byte[] stored) {
		return decode(stored) != null;
	}

}
