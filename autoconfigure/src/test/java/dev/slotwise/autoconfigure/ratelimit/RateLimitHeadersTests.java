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

package dev.slotwise.autoconfigure.ratelimit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.slotwise.ratelimit.RateLimit;
import dev.slotwise.ratelimit.RateLimitDecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link RateLimitHeaders}: the draft's fields parse as structured-field Lists (RFC 9651)
 * with the parameters draft-ietf-httpapi-ratelimit-headers-10 defines, and each setting
 * sends what it says.
 */
class RateLimitHeadersTests {

	private static final RateLimitDecision ALLOWED = new RateLimitDecision(true, 100, 42, Duration.ZERO,
			Duration.ofMillis(29_001), false);

	private static Map<String, String> write(RateLimitHeaders headers, String name, RateLimit limit,
			RateLimitDecision decision) {
		Map<String, String> written = new LinkedHashMap<>();
		headers.write(name, limit, decision, written::put);
		return written;
	}

	@Test
	void theDraftsFieldsAreStructuredListsWithOneMemberNamedByTheLimit() {
		Map<String, String> written = write(RateLimitHeaders.DRAFT, "api",
				RateLimit.fixedWindow(100, Duration.ofMinutes(1)), ALLOWED);
		assertThat(written).containsOnlyKeys("RateLimit-Policy", "RateLimit");
		assertThat(written.get("RateLimit-Policy")).isEqualTo("\"api\";q=100;w=60");
		assertThat(written.get("RateLimit")).isEqualTo("\"api\";r=42;t=30");
		List<StructuredFields.Item> policy = StructuredFields.parseList(written.get("RateLimit-Policy"));
		assertThat(policy).singleElement().satisfies((item) -> {
			assertThat(item.value()).as("the policy's name is a String").isEqualTo("api");
			assertThat(item.parameters()).containsExactly(Map.entry("q", 100L), Map.entry("w", 60L));
		});
		List<StructuredFields.Item> state = StructuredFields.parseList(written.get("RateLimit"));
		assertThat(state).singleElement().satisfies((item) -> {
			assertThat(item.value()).isEqualTo("api");
			assertThat(item.parameters()).containsExactly(Map.entry("r", 42L), Map.entry("t", 30L));
		});
	}

	@Test
	void aTokenBucketsPolicyIsItsBurstOverTheTimeToRefillIt() {
		// The sample's search limit: 5 a second, bursts of 10.
		RateLimit limit = RateLimit.tokenBucket(5, Duration.ofSeconds(1), 10);
		RateLimitDecision decision = new RateLimitDecision(true, 10, 9, Duration.ZERO, Duration.ofMillis(200), false);
		Map<String, String> written = write(RateLimitHeaders.DRAFT, "search", limit, decision);
		assertThat(StructuredFields.parseList(written.get("RateLimit-Policy")).get(0).parameters())
			.containsExactly(Map.entry("q", 10L), Map.entry("w", 2L));
		assertThat(StructuredFields.parseList(written.get("RateLimit")).get(0).parameters())
			.containsExactly(Map.entry("r", 9L), Map.entry("t", 1L));
	}

	@Test
	void aWindowShorterThanASecondIsAdvertisedAsOneSecondAndAResetOfZeroStaysZero() {
		RateLimitDecision decision = new RateLimitDecision(true, 3, 3, Duration.ZERO, Duration.ZERO, true);
		Map<String, String> written = write(RateLimitHeaders.DRAFT, "fast",
				RateLimit.gcra(10, Duration.ofMillis(100), 3), decision);
		assertThat(StructuredFields.parseList(written.get("RateLimit-Policy")).get(0).parameters()).containsEntry("w",
				1L);
		assertThat(StructuredFields.parseList(written.get("RateLimit")).get(0).parameters()).containsEntry("t", 0L);
	}

	@ParameterizedTest
	@ValueSource(strings = { "with \"quotes\"", "back\\slash", "naïve", "tab\there" })
	void aLimitNameIsEscapedSoTheFieldStillParses(String name) {
		Map<String, String> written = write(RateLimitHeaders.DRAFT, name,
				RateLimit.fixedWindow(1, Duration.ofSeconds(1)), ALLOWED);
		Object parsed = StructuredFields.parseList(written.get("RateLimit-Policy")).get(0).value();
		assertThat(parsed).isInstanceOf(String.class);
		if (name.chars().allMatch((c) -> c >= 0x20 && c <= 0x7e)) {
			assertThat(parsed).isEqualTo(name);
		}
		assertThat(StructuredFields.parseList(written.get("RateLimit")).get(0).value()).isEqualTo(parsed);
	}

	@Test
	void legacySendsTheOldTrioBothSendsAllAndNoneNothing() {
		RateLimit limit = RateLimit.fixedWindow(100, Duration.ofMinutes(1));
		assertThat(write(RateLimitHeaders.LEGACY, "api", limit, ALLOWED)).containsExactly(
				Map.entry("RateLimit-Limit", "100"), Map.entry("RateLimit-Remaining", "42"),
				Map.entry("RateLimit-Reset", "30"));
		assertThat(write(RateLimitHeaders.BOTH, "api", limit, ALLOWED)).containsOnlyKeys("RateLimit-Policy",
				"RateLimit", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset");
		assertThat(write(RateLimitHeaders.NONE, "api", limit, ALLOWED)).isEmpty();
	}

	@Test
	void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
		assertThat(RateLimitHeaders
			.retryAfterSeconds(new RateLimitDecision(false, 1, 0, Duration.ofMillis(1), Duration.ofMillis(1), false)))
			.isEqualTo(1);
		assertThat(RateLimitHeaders
			.retryAfterSeconds(new RateLimitDecision(false, 1, 0, Duration.ZERO, Duration.ZERO, false))).isEqualTo(1);
		assertThat(RateLimitHeaders.retryAfterSeconds(
				new RateLimitDecision(false, 1, 0, Duration.ofMillis(2001), Duration.ofMillis(1), false)))
			.isEqualTo(3);
	}

	@ParameterizedTest
	@ValueSource(strings = { "api;q=1", "\"api\" ;q=1", "\"api\";Q=1", "\"api\";q=1.", "\"api\";q=-", "\"api",
			"\"api\";q=1,", "\"a\\pi\";q=1", "\"api\";q=1234567890123456" })
	void theTestsParserRejectsWhatTheRfcRejects(String field) {
		if (field.startsWith("api")) {
			// A Token is a valid item, but not a policy name: the draft's names are
			// Strings.
			assertThat(StructuredFields.parseList(field).get(0).value()).isInstanceOf(StructuredFields.Token.class);
			return;
		}
		assertThatIllegalArgumentException().isThrownBy(() -> StructuredFields.parseList(field))
			.withMessageContaining("Not a structured-field List");
	}

}
