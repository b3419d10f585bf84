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

package dev.slotwise.ratelimit;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Unit tests for {@link RateLimit}: bad limits are errors, not silent allows.
 */
class RateLimitTests {

	@Test
	void zeroOrNegativePermitsAreRejectedWithTheValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> RateLimit.fixedWindow(0, Duration.ofSeconds(1)))
			.withMessageContaining("permits must be at least 1, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> RateLimit.gcra(-5, Duration.ofSeconds(1), 1))
			.withMessageContaining("was -5");
	}

	@Test
	void aWindowUnderOneMillisecondIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> RateLimit.slidingWindow(10, Duration.ofNanos(999_999)))
			.withMessageContaining("window must be at least 1 ms");
	}

	@Test
	void aBurstUnderOneIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> RateLimit.tokenBucket(10, Duration.ofSeconds(1), 0))
			.withMessageContaining("burst must be at least 1, was 0");
	}

	@Test
	void keysLiveNoLongerThanTheLimitTakesToRecover() {
		assertThat(RateLimit.fixedWindow(10, Duration.ofSeconds(1)).keyLifetime()).isEqualTo(Duration.ofSeconds(1));
		assertThat(RateLimit.slidingWindow(10, Duration.ofSeconds(1)).keyLifetime()).isEqualTo(Duration.ofSeconds(2));
		assertThat(RateLimit.tokenBucket(10, Duration.ofSeconds(1), 20).keyLifetime())
			.isEqualTo(Duration.ofMillis(2001));
	}

}
