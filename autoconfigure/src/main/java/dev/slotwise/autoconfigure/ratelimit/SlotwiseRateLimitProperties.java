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
import java.util.Map;

import dev.slotwise.ratelimit.FailureMode;
import dev.slotwise.ratelimit.RateLimit;
import dev.slotwise.ratelimit.RateLimiter;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The rate limiter, under {@code slotwise.rate-limit}.
 */
@ConfigurationProperties("slotwise.rate-limit")
public class SlotwiseRateLimitProperties {

	/**
	 * Whether the RateLimiter bean (and @RateLimited for Spring MVC and WebFlux) is
	 * configured.
	 */
	private boolean enabled = true;

	/**
	 * What to decide when Redis cannot answer: 'allow', 'deny', or 'local' (a fixed
	 * window in this instance's memory until Redis is back).
	 */
	private FailureMode failureMode = FailureMode.LOCAL;

	/**
	 * Namespace of the limiter's keys: '<prefix>:{<subject>}:<limit>'.
	 */
	private String keyPrefix = "ratelimit";

	/**
	 * Whether concurrent decisions for the same subject and limit in this instance share
	 * one script call asking for as many permits (scripts Slotwise ships only). Exact
	 * either way; fewer calls on a hot subject's master.
	 */
	private boolean coalesce = RateLimiter.DEFAULT_COALESCE;

	/**
	 * Which rate-limit header fields @RateLimited responses carry: 'draft'
	 * (RateLimit-Policy and RateLimit, as draft-ietf-httpapi-ratelimit-headers-10 defines
	 * them), 'legacy' (RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset), 'both',
	 * or 'none'. Retry-After is sent on 429 whichever is chosen.
	 */
	private RateLimitHeaders headers = RateLimitHeaders.DRAFT;

	/**
	 * Named limits, used as RateLimiter.tryAcquire(subject, name) and
	 * '@RateLimited("name")'.
	 */
	private Map<String, Limit> limits = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public FailureMode getFailureMode() {
		return this.failureMode;
	}

	public void setFailureMode(FailureMode failureMode) {
		this.failureMode = failureMode;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public boolean isCoalesce() {
		return this.coalesce;
	}

	public void setCoalesce(boolean coalesce) {
		this.coalesce = coalesce;
	}

	public RateLimitHeaders getHeaders() {
		return this.headers;
	}

	public void setHeaders(RateLimitHeaders headers) {
		this.headers = headers;
	}

	public Map<String, Limit> getLimits() {
		return this.limits;
	}

	public void setLimits(Map<String, Limit> limits) {
		this.limits = limits;
	}

	/**
	 * One named limit.
	 */
	public static class Limit {

		/**
		 * The algorithm: 'fixed-window', 'sliding-window', 'token-bucket' or 'gcra'.
		 */
		private RateLimit.Algorithm algorithm = RateLimit.Algorithm.FIXED_WINDOW;

		/**
		 * Calls allowed per window (the refill per window for a token bucket, the rate
		 * for GCRA). Required, at least 1.
		 */
		private @Nullable Long permits;

		/**
		 * The window, at least 1ms.
		 */
		private Duration window = Duration.ofSeconds(1);

		/**
		 * Calls allowed at once by a token bucket or GCRA. Defaults to permits.
		 */
		private @Nullable Long burst;

		public RateLimit.Algorithm getAlgorithm() {
			return this.algorithm;
		}

		public void setAlgorithm(RateLimit.Algorithm algorithm) {
			this.algorithm = algorithm;
		}

		public @Nullable Long getPermits() {
			return this.permits;
		}

		public void setPermits(@Nullable Long permits) {
			this.permits = permits;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public @Nullable Long getBurst() {
			return this.burst;
		}

		public void setBurst(@Nullable Long burst) {
			this.burst = burst;
		}

	}

}
