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

/**
 * What the limiter decided for one call.
 *
 * @param allowed whether the call may proceed
 * @param limit the limit the decision was made against (permits, or burst)
 * @param remaining calls left now
 * @param retryAfter how long until a call would be allowed ({@link Duration#ZERO} when
 * allowed)
 * @param resetAfter how long until the limit is fully available again
 * @param degraded whether Redis could not answer and the failure mode decided
 */
public record RateLimitDecision(boolean allowed, long limit, long remaining, Duration retryAfter, Duration resetAfter,
		boolean degraded) {

}
