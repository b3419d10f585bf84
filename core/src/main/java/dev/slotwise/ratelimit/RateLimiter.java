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

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.slotwise.cluster.OutageReason;
import dev.slotwise.cluster.SlotCall;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.support.LettuceCommands;
import dev.slotwise.support.ScriptRunner;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Decides whether a subject (a user, an API key, an address) may make a call under a
 * limit. Each decision is one Lua script, sent with {@code EVALSHA} (and loaded on
 * {@code NOSCRIPT}, as after a failover or {@code SCRIPT FLUSH}) to the node that owns
 * the subject's slot: all keys of a decision share the hash tag {@code {subject}}, which
 * is checked before anything is sent. Time is the Redis server's ({@code TIME}), and
 * every key expires once its limit has fully recovered. The scripts are
 * {@link RateLimitScripts}: the ones Slotwise ships, or an application's replacements.
 *
 * <p>
 * When Redis cannot answer, the {@link FailureMode} decides, and the decision is marked
 * {@link RateLimitDecision#degraded() degraded}.
 */
public class RateLimiter {

	private static final Log logger = LogFactory.getLog(RateLimiter.class);

	private final StringRedisTemplate redis;

	private final RedisConnectionFactory connectionFactory;

	private final ScriptRunner runner;

	private final RateLimitScripts scripts;

	private final ClusterKeys keys;

	private final Map<String, RateLimit> limits;

	private final FailureMode failureMode;

	private final SlotGuard guard;

	private final String keyPrefix;

	private final Clock clock;

	private final Cache<String, LocalWindow> local = Caffeine.newBuilder()
		.maximumSize(100_000)
		.expireAfterAccess(10, TimeUnit.MINUTES)
		.build();

	private final Map<Outcome, LongAdder> decisions = new EnumMap<>(Outcome.class);

	private volatile boolean degradedLogged;

	/**
	 * Create a limiter.
	 * @param redis a template on the cluster connection
	 * @param keys slot computation
	 * @param limits the named limits
	 * @param failureMode what to decide when Redis cannot answer
	 * @param guard the failure protocol: a failing slot is decided by the failure mode
	 * without waiting for a timeout
	 * @param keyPrefix the namespace of the limiter's keys
	 * @param clock the clock of the local fallback
	 */
	public RateLimiter(StringRedisTemplate redis, ClusterKeys keys, Map<String, RateLimit> limits,
			FailureMode failureMode, SlotGuard guard, String keyPrefix, Clock clock) {
		this(redis, keys, limits, failureMode, guard, keyPrefix, clock, RateLimitScripts.defaults());
	}

	/**
	 * Create a limiter with its own scripts, for example one algorithm's script replaced.
	 * @param redis a template on the cluster connection
	 * @param keys slot computation
	 * @param limits the named limits
	 * @param failureMode what to decide when Redis cannot answer
	 * @param guard the failure protocol: a failing slot is decided by the failure mode
	 * without waiting for a timeout
	 * @param keyPrefix the namespace of the limiter's keys
	 * @param clock the clock of the local fallback
	 * @param scripts the script of each algorithm
	 */
	public RateLimiter(StringRedisTemplate redis, ClusterKeys keys, Map<String, RateLimit> limits,
			FailureMode failureMode, SlotGuard guard, String keyPrefix, Clock clock, RateLimitScripts scripts) {
		this.redis = redis;
		this.connectionFactory = redis.getRequiredConnectionFactory();
		this.runner = new ScriptRunner(keys);
		this.scripts = Objects.requireNonNull(scripts, "scripts must not be null");
		this.keys = keys;
		this.limits = Map.copyOf(limits);
		this.failureMode = Objects.requireNonNull(failureMode, "failureMode must not be null");
		this.guard = Objects.requireNonNull(guard, "guard must not be null");
		this.keyPrefix = keyPrefix;
		this.clock = clock;
		for (Outcome outcome : Outcome.values()) {
			this.decisions.put(outcome, new LongAdder());
		}
	}

	/**
	 * Decide under a named limit.
	 * @param subject who is limited; not blank
	 * @param limitName a limit configured under {@code slotwise.rate-limit.limits}
	 * @return the decision
	 * @throws IllegalArgumentException if the limit is unknown or the subject blank
	 */
	public RateLimitDecision tryAcquire(String subject, String limitName) {
		RateLimit limit = this.limits.get(limitName);
		if (limit == null) {
			throw new IllegalArgumentException("Unknown rate limit '" + limitName + "'. Configure it under "
					+ "slotwise.rate-limit.limits." + limitName + " (known: " + this.limits.keySet() + ")");
		}
		return decide(subject, limitName, limit);
	}

	/**
	 * Decide under a limit given in code.
	 * @param subject who is limited; not blank
	 * @param limit the limit
	 * @return the decision
	 */
	public RateLimitDecision tryAcquire(String subject, RateLimit limit) {
		return decide(subject, "code:" + limit.algorithm() + ":" + limit.permits() + "/" + limit.window().toMillis()
				+ "ms:" + limit.burst(), limit);
	}

	/**
	 * The named limits.
	 * @return the limits by name
	 */
	public Map<String, RateLimit> limits() {
		return this.limits;
	}

	/**
	 * The keys a decision for a subject under a named limit uses, all in the subject's
	 * slot.
	 * @param subject the subject
	 * @param limitName the limit's name
	 * @return the keys: the state, and the per-subject quota (read by a fixed window)
	 */
	public List<String> keysFor(String subject, String limitName) {
		RateLimit limit = this.limits.get(limitName);
		return keysFor(subject, limitName, (limit != null) ? limit.algorithm() : RateLimit.Algorithm.FIXED_WINDOW);
	}

	/**
	 * The state key names the algorithm: a limit whose algorithm changes in configuration
	 * starts afresh instead of meeting a key of another type (WRONGTYPE).
	 */
	private List<String> keysFor(String subject, String limitName, RateLimit.Algorithm algorithm) {
		String tag = tag(subject);
		String code = switch (algorithm) {
			case FIXED_WINDOW -> "fw";
			case SLIDING_WINDOW -> "sw";
			case TOKEN_BUCKET -> "tb";
			case GCRA -> "gcra";
		};
		return List.of(this.keys.tagged(this.keyPrefix, tag, limitName, code),
				this.keys.tagged(this.keyPrefix, tag, limitName, "quota"));
	}

	/**
	 * Override the permits of a fixed-window limit for one subject (for example a paid
	 * plan). The quota key shares the counter's hash tag.
	 * @param subject the subject
	 * @param limitName the limit's name
	 * @param permits the permits for this subject
	 */
	public void setQuota(String subject, String limitName, long permits) {
		if (permits < 1) {
			throw new IllegalArgumentException("A quota must be at least 1, was " + permits);
		}
		this.redis.opsForValue().set(keysFor(subject, limitName).get(1), Long.toString(permits));
	}

	private RateLimitDecision decide(String subject, String limitName, RateLimit limit) {
		if (subject == null || subject.isBlank()) {
			throw new IllegalArgumentException("A rate-limit subject must not be blank (limit '" + limitName + "')");
		}
		List<String> keys = keysFor(subject, limitName, limit.algorithm());
		List<byte[]> scriptKeys = ((limit.algorithm() == RateLimit.Algorithm.FIXED_WINDOW) ? keys : keys.subList(0, 1))
			.stream()
			.map(RateLimiter::bytes)
			.toList();
		SlotCall<List<?>> call = this.guard.call(this.keys.slot(keys.get(0)),
				() -> run(this.scripts.get(limit.algorithm()), scriptKeys, limit));
		if (call.throwIfRefused().unavailable()) {
			return degraded(subject, limitName, limit, call.reason());
		}
		RateLimitDecision decision = decision(limit.algorithm(), call.value());
		if (this.degradedLogged) {
			this.degradedLogged = false;
			logger.info("Rate limiter: Redis answers again; decisions are exact again");
		}
		count(decision.allowed() ? Outcome.ALLOWED : Outcome.DENIED);
		return decision;
	}

	/**
	 * Runs a decision's script and waits for it (Lettuce's command timeout bounds the
	 * wait).
	 */
	private List<?> run(RedisScript<List> script, List<byte[]> keys, RateLimit limit) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return this.runner
				.run(LettuceCommands.async(connection), script, keys, bytes(Long.toString(limit.permits())),
						bytes(Long.toString(limit.window().toMillis())), bytes(Long.toString(limit.burst())))
				.join();
		}
		catch (CompletionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw (cause instanceof RuntimeException runtime) ? runtime : ex;
		}
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Read a script's reply; a replacement script that answers something else gets an
	 * error naming its bean and the reply it should give.
	 */
	private static RateLimitDecision decision(RateLimit.Algorithm algorithm, @Nullable List<?> reply) {
		try {
			if (reply != null && reply.size() >= 5) {
				long allowed = number(reply.get(0));
				return new RateLimitDecision(allowed == 1, number(reply.get(4)), number(reply.get(1)),
						Duration.ofMillis(number(reply.get(2))), Duration.ofMillis(number(reply.get(3))), false);
			}
		}
		catch (NumberFormatException ex) {
			// Reported below.
		}
		throw new IllegalStateException("The " + RateLimitScripts.describe(algorithm) + " rate-limit script (bean '"
				+ RateLimitScripts.beanName(algorithm) + "') answered " + describe(reply)
				+ "; a rate-limit script answers {allowed (1 or 0), remaining, retry after ms, reset after ms, limit}");
	}

	private static String describe(@Nullable List<?> reply) {
		if (reply == null) {
			return "nothing";
		}
		return reply.stream()
			.map((item) -> (item instanceof byte[] raw) ? new String(raw, StandardCharsets.UTF_8)
					: String.valueOf(item))
			.toList()
			.toString();
	}

	private static long number(Object value) {
		if (value instanceof byte[] raw) {
			return Long.parseLong(new String(raw, StandardCharsets.UTF_8));
		}
		return (value instanceof Number number) ? number.longValue() : Long.parseLong(String.valueOf(value));
	}

	private RateLimitDecision degraded(String subject, String limitName, RateLimit limit,
			@Nullable OutageReason reason) {
		if (!this.degradedLogged) {
			this.degradedLogged = true;
			logger.warn("Rate limiter: Redis cannot answer for limit '" + limitName + "'"
					+ ((reason != null) ? " (" + reason + ")" : "") + "; deciding by failure mode " + this.failureMode);
		}
		count(Outcome.DEGRADED);
		long limitValue = (limit.algorithm() == RateLimit.Algorithm.FIXED_WINDOW
				|| limit.algorithm() == RateLimit.Algorithm.SLIDING_WINDOW) ? limit.permits() : limit.burst();
		return switch (this.failureMode) {
			case ALLOW -> new RateLimitDecision(true, limitValue, limitValue, Duration.ZERO, Duration.ZERO, true);
			case DENY -> new RateLimitDecision(false, limitValue, 0, limit.window(), limit.window(), true);
			case LOCAL -> this.local.get(limitName + "\u0000" + subject, (key) -> new LocalWindow())
				.acquire(limitValue, limit.window().toMillis(), this.clock.millis());
		};
	}

	private void count(Outcome outcome) {
		this.decisions.get(outcome).increment();
	}

	/**
	 * Decisions made so far, by outcome ({@code ALLOWED}, {@code DENIED} from Redis;
	 * {@code DEGRADED} by the failure mode).
	 * @return counts by outcome
	 */
	public Map<Outcome, Long> decisions() {
		Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
		this.decisions.forEach((outcome, adder) -> counts.put(outcome, adder.sum()));
		return counts;
	}

	/**
	 * The scripts this limiter runs.
	 * @return the script of each algorithm
	 */
	public RateLimitScripts scripts() {
		return this.scripts;
	}

	/**
	 * The failure mode.
	 * @return the failure mode
	 */
	public FailureMode failureMode() {
		return this.failureMode;
	}

	/** The hash tag of a subject: itself, or its SHA-1 when it holds a brace. */
	private static String tag(String subject) {
		if (subject.indexOf('{') < 0 && subject.indexOf('}') < 0) {
			return subject;
		}
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-1").digest(subject.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Outcomes of decisions.
	 */
	public enum Outcome {

		/** Redis allowed the call. */
		ALLOWED,

		/** Redis denied the call. */
		DENIED,

		/** Redis could not answer; the failure mode decided. */
		DEGRADED

	}

	/** A per-instance fixed window, used only while Redis cannot answer. */
	private static final class LocalWindow {

		private long start;

		private long count;

		synchronized RateLimitDecision acquire(long limit, long window, long now) {
			if (now - this.start >= window) {
				this.start = now;
				this.count = 0;
			}
			long reset = this.start + window - now;
			if (this.count >= limit) {
				return new RateLimitDecision(false, limit, 0, Duration.ofMillis(reset), Duration.ofMillis(reset), true);
			}
			this.count++;
			return new RateLimitDecision(true, limit, limit - this.count, Duration.ZERO, Duration.ofMillis(reset),
					true);
		}

	}

}
