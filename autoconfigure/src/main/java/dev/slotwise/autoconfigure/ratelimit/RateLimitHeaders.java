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
import java.util.function.BiConsumer;

import dev.slotwise.ratelimit.RateLimit;
import dev.slotwise.ratelimit.RateLimitDecision;

/**
 * Which rate-limit header fields a {@link dev.slotwise.ratelimit.RateLimited} response
 * carries ({@code slotwise.rate-limit.headers}). A denied request gets
 * {@code Retry-After} (seconds, at least 1) whichever is chosen: it is HTTP's own field,
 * not one of these.
 *
 * <p>
 * The draft's fields (draft-ietf-httpapi-ratelimit-headers-10) are structured fields (RFC
 * 9651), one list member per limit, named by the limit: <pre>
 * RateLimit-Policy: "search";q=10;w=2
 * RateLimit: "search";r=7;t=1
 * </pre> {@code q} is the quota (the decision's limit: the permits of a window, the burst
 * of a token bucket or GCRA), {@code w} the seconds in which that quota is granted (the
 * window; for a token bucket or GCRA the time to refill the whole burst,
 * {@code burst × window / permits}), {@code r} what remains and {@code t} the seconds
 * until the quota is whole again; seconds are rounded up, and {@code w} is at least 1.
 */
public enum RateLimitHeaders {

	/**
	 * {@code RateLimit-Policy} and {@code RateLimit}, as the current draft defines them.
	 */
	DRAFT,

	/**
	 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset}
	 * (seconds), as earlier drafts did and many clients still read.
	 */
	LEGACY,

	/** Both sets, for clients moving from one to the other. */
	BOTH,

	/** No rate-limit fields ({@code Retry-After} is still sent on 429). */
	NONE;

	/** The field of the draft's policy. */
	public static final String POLICY = "RateLimit-Policy";

	/** The field of the draft's current state. */
	public static final String RATE_LIMIT = "RateLimit";

	/**
	 * Write the fields of a decision.
	 * @param limitName the limit's name, the policy's name in the draft's fields
	 * @param limit the limit (for the window of the policy)
	 * @param decision the decision
	 * @param header sets one header field (name, value)
	 */
	public void write(String limitName, RateLimit limit, RateLimitDecision decision,
			BiConsumer<String, String> header) {
		if (this == DRAFT || this == BOTH) {
			String name = string(limitName);
			header.accept(POLICY, name + ";q=" + decision.limit() + ";w=" + policyWindowSeconds(limit));
			header.accept(RATE_LIMIT, name + ";r=" + decision.remaining() + ";t=" + seconds(decision.resetAfter()));
		}
		if (this == LEGACY || this == BOTH) {
			header.accept("RateLimit-Limit", Long.toString(decision.limit()));
			header.accept("RateLimit-Remaining", Long.toString(decision.remaining()));
			header.accept("RateLimit-Reset", Long.toString(seconds(decision.resetAfter())));
		}
	}

	/**
	 * The {@code Retry-After} of a denied decision.
	 * @param decision a denied decision
	 * @return whole seconds, at least 1
	 */
	public static long retryAfterSeconds(RateLimitDecision decision) {
		return Math.max(1, seconds(decision.retryAfter()));
	}

	private static long policyWindowSeconds(RateLimit limit) {
		long millis = switch (limit.algorithm()) {
			case FIXED_WINDOW, SLIDING_WINDOW -> limit.window().toMillis();
			case TOKEN_BUCKET, GCRA -> Math.multiplyExact(limit.burst(), limit.window().toMillis()) / limit.permits();
		};
		return Math.max(1, (millis + 999) / 1000);
	}

	private static long seconds(Duration duration) {
		return (Math.max(0, duration.toMillis()) + 999) / 1000;
	}

	/**
	 * A structured-field String (RFC 9651, section 3.3.3): printable ASCII in quotes,
	 * with {@code "} and {@code \} escaped; any other character (which a String cannot
	 * hold) is replaced by {@code ?}.
	 */
	static String string(String value) {
		StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '"' || c == '\\') {
				quoted.append('\\').append(c);
			}
			else if (c < 0x20 || c > 0x7e) {
				quoted.append('?');
			}
			else {
				quoted.append(c);
			}
		}
		return quoted.append('"').toString();
	}

}
