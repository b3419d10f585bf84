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

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Unit tests for {@link VersionedValue}.
 */
class VersionedValueTests {

	@Test
	void encodesAHeaderTheReplayScriptCanCompareAndDecodesItBack() {
		byte[] encoded = new VersionedValue(1_764_028_800_123L, "payload".getBytes(StandardCharsets.UTF_8)).encode();
		assertThat(new String(encoded, 0, VersionedValue.HEADER_LENGTH, StandardCharsets.US_ASCII))
			.isEqualTo("SW11764028800123");
		VersionedValue decoded = VersionedValue.decode(encoded);
		assertThat(decoded.version()).isEqualTo(1_764_028_800_123L);
		assertThat(decoded.payload()).isEqualTo("payload".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void smallVersionsArePaddedSoThatTheHeaderHasAFixedLength() {
		assertThat(new VersionedValue(7, new byte[0]).encode()).hasSize(VersionedValue.HEADER_LENGTH)
			.startsWith("SW10000000000007".getBytes(StandardCharsets.US_ASCII));
	}

	@Test
	void bytesWithoutAHeaderAreNotVersioned() {
		assertThat(VersionedValue.decode("plain".getBytes(StandardCharsets.UTF_8))).isNull();
		assertThat(VersionedValue.decode("SW1abcdefghijklmXYZ".getBytes(StandardCharsets.UTF_8))).isNull();
		assertThat(VersionedValue.isVersioned(new byte[0])).isFalse();
	}

	@Test
	void rejectsVersionsTheHeaderCannotHold() {
		assertThatIllegalArgumentException().isThrownBy(() -> new VersionedValue(-1, new byte[0]));
		assertThatIllegalArgumentException().isThrownBy(() -> new VersionedValue(10_000_000_000_000L, new byte[0]));
	}

}
