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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.slotwise.cluster.OutageReason;
import dev.slotwise.cluster.SlotCall;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.support.ScriptRunner;
import dev.slotwise.support.SharedCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

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
 * <b>Coalescing.</b> Concurrent decisions for the same subject under the same limit in
 * this instance share one script call that asks for as many permits as there are callers
 * (as Bucket4j batches): a caller that finds no call in flight for its subject and limit
 * sends at once, asking for one permit, so a lone caller waits for nothing more; callers
 * that arrive while a call is in flight queue, and when it completes they go together in
 * the next call. The script grants as many of the permits asked as fit, and the callers
 * get them in the order they arrived: the count stays exact, as if each had asked alone.
 * When Redis cannot answer that call, the failure mode decides for every caller of it.
 * Only the scripts Slotwise ships answer for several permits; a replacement script is
 * called once per decision, asked for one permit. Off with
 * {@link #RateLimiter(StringRedisTemplate, ClusterKeys, Map, FailureMode, SlotGuard, String, Clock, RateLimitScripts, boolean)}.
 *
 * <p>
 * When Redis cannot answer, the {@link FailureMode} decides, and the decision is marked
 * {@link RateLimitDecision#degraded() degraded}.
 *
 * <p>
 * <b>Without blocking.</b> {@link #tryAcquireAsync(String, String)} makes the same
 * decision for callers that must not wait (an event loop, a reactive pipeline): it sends
 * the script and returns, and its future completes on Lettuce's I/O thread. It shares the
 * lanes, the failure protocol and the failure mode with {@link #tryAcquire}: both kinds
 * of caller may queue in the same batch. A slot marked failing is decided by the failure
 * mode at once; a call that meets an outage (Lettuce's command timeout, a lost
 * connection) marks it.
 */
@SuppressWarnings("rawtypes")
public class RateLimiter {

	/** Whether concurrent decisions for one subject and limit share a script call. */
	public static final boolean DEFAULT_COALESCE = true;

	private static final Log logger = LogFactory.getLog(RateLimiter.class);

	private static final byte[] ONE = bytes("1");

	private final StringRedisTemplate redis;

	private final SharedCommands commands;

	private final ScriptRunner runner;

	private final RateLimitScripts scripts;

	private final ClusterKeys keys;

	private final Map<String, RateLimit> limits;

	/** The plan of each named limit, made once. */
	private final Map<String, Plan> plans;

	/** Each algorithm's script, read once ({@link ScriptRunner#fixed}). */
	private final Map<RateLimit.Algorithm, RedisScript<List>> fixedScripts = new EnumMap<>(RateLimit.Algorithm.class);

	private final FailureMode failureMode;

	private final SlotGuard guard;

	private final String keyPrefix;

	private final Clock clock;

	private final boolean coalesce;

	/** The subjects and limits with a call in flight, when coalescing. */
	private final ConcurrentHashMap<LaneKey, Lane> lanes = new ConcurrentHashMap<>();

	private final Cache<String, LocalWindow> local = Caffeine.newBuilder()
		.maximumSize(100_000)
		.expireAfterAccess(10, TimeUnit.MINUTES)
		.build();

	private final Map<Outcome, LongAdder> decisions = new EnumMap<>(Outcome.class);

	private final LongAdder scriptCalls = new LongAdder();

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
		this(redis, keys, limits, failureMode, guard, keyPrefix, clock, scripts, DEFAULT_COALESCE);
	}

	/**
	 * Create a limiter with its own scripts, coalescing or not.
	 * @param redis a template on the cluster connection
	 * @param keys slot computation
	 * @param limits the named limits
	 * @param failureMode what to decide when Redis cannot answer
	 * @param guard the failure protocol: a failing slot is decided by the failure mode
	 * without waiting for a timeout
	 * @param keyPrefix the namespace of the limiter's keys
	 * @param clock the clock of the local fallback
	 * @param scripts the script of each algorithm
	 * @param coalesce whether concurrent decisions for one subject and limit share one
	 * script call (scripts Slotwise ships only); {@code false} sends one call per
	 * decision
	 */
	public RateLimiter(StringRedisTemplate redis, ClusterKeys keys, Map<String, RateLimit> limits,
			FailureMode failureMode, SlotGuard guard, String keyPrefix, Clock clock, RateLimitScripts scripts,
			boolean coalesce) {
		this.redis = redis;
		this.commands = new SharedCommands(redis.getRequiredConnectionFactory());
		this.runner = new ScriptRunner(keys);
		this.scripts = Objects.requireNonNull(scripts, "scripts must not be null");
		this.keys = keys;
		this.limits = Map.copyOf(limits);
		this.failureMode = Objects.requireNonNull(failureMode, "failureMode must not be null");
		this.guard = Objects.requireNonNull(guard, "guard must not be null");
		this.keyPrefix = keyPrefix;
		this.clock = clock;
		this.coalesce = coalesce;
		for (RateLimit.Algorithm algorithm : RateLimit.Algorithm.values()) {
			this.fixedScripts.put(algorithm, ScriptRunner.fixed(scripts.get(algorithm)));
		}
		Map<String, Plan> plans = new HashMap<>();
		this.limits.forEach((name, limit) -> plans.put(name, plan(name, limit)));
		this.plans = Map.copyOf(plans);
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
		return decide(subject, plan(limitName));
	}

	private Plan plan(String limitName) {
		Plan plan = this.plans.get(limitName);
		if (plan == null) {
			throw new IllegalArgumentException("Unknown rate limit '" + limitName + "'. Configure it under "
					+ "slotwise.rate-limit.limits." + limitName + " (known: " + this.limits.keySet() + ")");
		}
		return plan;
	}

	/**
	 * Decide under a named limit without blocking the caller: the decision
	 * {@link #tryAcquire(String, String)} would make, once Redis has answered (or the
	 * failure mode decided). Nothing on the way waits, when the connection factory shares
	 * its native connection (Spring Data's default and Slotwise's).
	 * @param subject who is limited; not blank
	 * @param limitName a limit configured under {@code slotwise.rate-limit.limits}
	 * @return the decision, completed on Lettuce's I/O thread (or at once, when the
	 * subject's slot fails fast); failed with the error a refused script call gives
	 * @throws IllegalArgumentException if the limit is unknown or the subject blank
	 */
	public CompletableFuture<RateLimitDecision> tryAcquireAsync(String subject, String limitName) {
		return decideAsync(subject, plan(limitName));
	}

	/**
	 * Decide under a limit given in code.
	 * @param subject who is limited; not blank
	 * @param limit the limit
	 * @return the decision
	 */
	public RateLimitDecision tryAcquire(String subject, RateLimit limit) {
		return decide(subject, plan("code:" + limit.algorithm() + ":" + limit.permits() + "/"
				+ limit.window().toMillis() + "ms:" + limit.burst(), limit));
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
		RateLimit.Algorithm algorithm = (limit != null) ? limit.algorithm() : RateLimit.Algorithm.FIXED_WINDOW;
		String tag = tag(subject);
		return List.of(this.keys.tagged(this.keyPrefix, tag, limitName, code(algorithm)),
				this.keys.tagged(this.keyPrefix, tag, limitName, "quota"));
	}

	/**
	 * The state key names the algorithm: a limit whose algorithm changes in configuration
	 * starts afresh instead of meeting a key of another type (WRONGTYPE).
	 */
	private static String code(RateLimit.Algorithm algorithm) {
		return switch (algorithm) {
			case FIXED_WINDOW -> "fw";
			case SLIDING_WINDOW -> "sw";
			case TOKEN_BUCKET -> "tb";
			case GCRA -> "gcra";
		};
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

	/**
	 * What a decision under a limit needs that does not depend on the subject: made once
	 * per named limit.
	 */
	private Plan plan(String name, RateLimit limit) {
		RateLimit.Algorithm algorithm = limit.algorithm();
		return new Plan(name, limit, code(algorithm), this.fixedScripts.get(algorithm),
				this.coalesce && this.scripts.isShipped(algorithm), bytes(Long.toString(limit.permits())),
				bytes(Long.toString(limit.window().toMillis())), bytes(Long.toString(limit.burst())));
	}

	private RateLimitDecision decide(String subject, Plan plan) {
		requireSubject(subject, plan);
		if (!plan.coalesced()) {
			return decision(call(subject, plan, 1), 0, subject, plan);
		}
		Seat seat = seat(subject, plan);
		if (seat.index() == 0) {
			lead(seat.key(), seat.lane(), seat.batch(), seat.previous(), subject, plan);
		}
		return decision(seat.batch().reply.join(), seat.index(), subject, plan);
	}

	private CompletableFuture<RateLimitDecision> decideAsync(String subject, Plan plan) {
		requireSubject(subject, plan);
		if (!plan.coalesced()) {
			return callAsync(subject, plan, 1).thenApply((reply) -> decision(reply, 0, subject, plan));
		}
		Seat seat = seat(subject, plan);
		if (seat.index() == 0) {
			leadAsync(seat.key(), seat.lane(), seat.batch(), seat.previous(), subject, plan);
		}
		return seat.batch().reply.thenApply((reply) -> decision(reply, seat.index(), subject, plan));
	}

	private static void requireSubject(String subject, Plan plan) {
		if (subject == null || subject.isBlank()) {
			throw new IllegalArgumentException("A rate-limit subject must not be blank (limit '" + plan.name() + "')");
		}
	}

	/**
	 * Take a caller's place in its subject's lane: in the call sent now (when none is in
	 * flight), or in the batch that queues for the next call.
	 */
	private Seat seat(String subject, Plan plan) {
		LaneKey key = new LaneKey(plan.name(), subject);
		while (true) {
			Lane lane = this.lanes.computeIfAbsent(key, (absent) -> new Lane());
			synchronized (lane) {
				if (lane.retired) {
					continue;
				}
				Batch batch;
				Batch previous;
				if (lane.current == null) {
					// Nothing in flight: send at once.
					batch = new Batch();
					lane.current = batch;
					previous = null;
				}
				else if (lane.next == null) {
					// The first to queue leads the next call.
					batch = new Batch();
					lane.next = batch;
					previous = lane.current;
				}
				else {
					batch = lane.next;
					previous = null;
				}
				return new Seat(key, lane, batch, previous, batch.size++);
			}
		}
	}

	/**
	 * Send a batch's call once the call before it has completed, and hand its reply to
	 * every caller of the batch.
	 */
	private void lead(LaneKey key, Lane lane, Batch batch, @Nullable Batch previous, String subject, Plan plan) {
		int asked = 1;
		if (previous != null) {
			previous.reply.join();
			synchronized (lane) {
				// Closed: later callers queue for the call after this one.
				lane.current = batch;
				lane.next = null;
				asked = batch.size;
			}
		}
		Reply reply;
		try {
			reply = call(subject, plan, asked);
		}
		catch (RuntimeException ex) {
			finish(key, lane, batch, Reply.failed(ex));
			throw ex;
		}
		catch (Error ex) {
			finish(key, lane, batch, Reply.failed(new IllegalStateException("The rate-limit call failed", ex)));
			throw ex;
		}
		finish(key, lane, batch, reply);
	}

	/**
	 * {@link #lead} without waiting: the batch's call is sent when the call before it
	 * completes, on the thread that completes it.
	 */
	private void leadAsync(LaneKey key, Lane lane, Batch batch, @Nullable Batch previous, String subject, Plan plan) {
		CompletableFuture<?> before = (previous != null) ? previous.reply : CompletableFuture.completedFuture(null);
		before.whenComplete((ignored, unused) -> {
			int asked = 1;
			if (previous != null) {
				synchronized (lane) {
					// Closed: later callers queue for the call after this one.
					lane.current = batch;
					lane.next = null;
					asked = batch.size;
				}
			}
			CompletableFuture<Reply> reply;
			try {
				reply = callAsync(subject, plan, asked);
			}
			catch (RuntimeException ex) {
				reply = CompletableFuture.completedFuture(Reply.failed(ex));
			}
			reply.whenComplete((answer, failure) -> finish(key, lane, batch,
					(failure != null) ? Reply.failed(runtime(failure)) : answer));
		});
	}

	private void finish(LaneKey key, Lane lane, Batch batch, Reply reply) {
		synchronized (lane) {
			if (lane.current == batch && lane.next == null) {
				lane.current = null;
				lane.retired = true;
				this.lanes.remove(key, lane);
			}
		}
		batch.reply.complete(reply);
	}

	/**
	 * One script call asking for permits, through the failure protocol. A refused command
	 * or an unreadable reply is a {@link Reply#failed failed} reply, so that every caller
	 * of a batch sees it.
	 */
	private Reply call(String subject, Plan plan, int asked) {
		ScriptCall script = scriptCall(subject, plan, asked);
		this.scriptCalls.increment();
		SlotCall<List<?>> call = this.guard.call(script.slot(), () -> run(plan, script.keys(), script.permits()));
		if (call.kind() == SlotCall.Kind.REFUSED) {
			return Reply.failed(Objects.requireNonNull(call.error()));
		}
		if (call.unavailable()) {
			return Reply.unavailable(call.reason());
		}
		try {
			return read(plan.limit().algorithm(), call.value(), asked);
		}
		catch (IllegalStateException ex) {
			return Reply.failed(ex);
		}
	}

	/**
	 * {@link #call} without waiting, through the same protocol: a slot that fails fast is
	 * unavailable at once; otherwise the script is sent and its outcome reported to the
	 * guard when it completes (an outage marks the slot, an answer clears a suspect
	 * mark).
	 */
	private CompletableFuture<Reply> callAsync(String subject, Plan plan, int asked) {
		ScriptCall script = scriptCall(subject, plan, asked);
		this.scriptCalls.increment();
		int slot = script.slot();
		if (this.guard.failsFast(slot)) {
			return CompletableFuture.completedFuture(Reply.unavailable(null));
		}
		CompletableFuture<List<?>> sent;
		try {
			sent = this.commands.applyAsync(
					(commands) -> this.runner
						.run(commands, plan.script(), script.keys(), plan.permits(), plan.window(), plan.burst(),
								script.permits())
						.thenApply((List value) -> (List<?>) value));
		}
		catch (RuntimeException ex) {
			sent = CompletableFuture.failedFuture(ex);
		}
		return sent.handle((value, failure) -> {
			if (failure != null) {
				SlotCall<List<?>> failed = this.guard.failed(slot, unwrap(failure));
				return failed.unavailable() ? Reply.unavailable(failed.reason())
						: Reply.failed(Objects.requireNonNull(failed.error()));
			}
			this.guard.answered(slot);
			try {
				return read(plan.limit().algorithm(), value, asked);
			}
			catch (IllegalStateException ex) {
				return Reply.failed(ex);
			}
		});
	}

	/** The keys and arguments of one script call, and its slot. */
	private ScriptCall scriptCall(String subject, Plan plan, int asked) {
		String tag = tag(subject);
		byte[] state = bytes(this.keys.tagged(this.keyPrefix, tag, plan.name(), plan.code()));
		List<byte[]> scriptKeys = (plan.limit().algorithm() == RateLimit.Algorithm.FIXED_WINDOW)
				? List.of(state, bytes(this.keys.tagged(this.keyPrefix, tag, plan.name(), "quota"))) : List.of(state);
		byte[] permits = (asked == 1) ? ONE : bytes(Integer.toString(asked));
		return new ScriptCall(this.keys.slot(state), scriptKeys, permits);
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	private static RuntimeException runtime(Throwable failure) {
		Throwable cause = unwrap(failure);
		return (cause instanceof RuntimeException runtime) ? runtime
				: new IllegalStateException("The rate-limit call failed", cause);
	}

	/**
	 * Runs a decision's script and waits for it (Lettuce's command timeout bounds the
	 * wait).
	 */
	private List<?> run(Plan plan, List<byte[]> keys, byte[] asked) {
		try {
			return this.commands.apply((commands) -> this.runner
				.run(commands, plan.script(), keys, plan.permits(), plan.window(), plan.burst(), asked)
				.join());
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
	private static Reply read(RateLimit.Algorithm algorithm, @Nullable List<?> reply, int asked) {
		try {
			if (reply != null && reply.size() >= 5) {
				long granted = number(reply.get(0));
				if (granted >= 0 && granted <= asked) {
					return new Reply(granted, number(reply.get(4)), number(reply.get(1)), number(reply.get(2)),
							number(reply.get(3)), null, null);
				}
			}
		}
		catch (NumberFormatException ex) {
			// Reported below.
		}
		throw new IllegalStateException("The " + RateLimitScripts.describe(algorithm) + " rate-limit script (bean '"
				+ RateLimitScripts.beanName(algorithm) + "') answered " + describe(reply) + " when asked for " + asked
				+ " permit(s); a rate-limit script answers {allowed (1 or 0; with ARGV[4] = n, the permits "
				+ "granted, 0 to n), remaining, retry after ms, reset after ms, limit}");
	}

	/**
	 * The decision of the caller at {@code index} (in order of arrival) of a call's
	 * callers: the first {@code granted} are allowed, each seeing what would remain had
	 * the callers asked one after another; the others are denied.
	 */
	private RateLimitDecision decision(Reply reply, int index, String subject, Plan plan) {
		if (reply.error() != null) {
			throw reply.error();
		}
		if (reply.unavailable()) {
			return degraded(subject, plan.name(), plan.limit(), reply.reason());
		}
		if (this.degradedLogged) {
			this.degradedLogged = false;
			logger.info("Rate limiter: Redis answers again; decisions are exact again");
		}
		RateLimitDecision decision;
		if (index < reply.granted()) {
			decision = new RateLimitDecision(true, reply.limit(), reply.remaining() + (reply.granted() - 1 - index),
					Duration.ZERO, Duration.ofMillis(reply.resetMillis()), false);
		}
		else {
			decision = new RateLimitDecision(false, reply.limit(), 0, Duration.ofMillis(reply.retryMillis()),
					Duration.ofMillis(reply.resetMillis()), false);
		}
		count(decision.allowed() ? Outcome.ALLOWED : Outcome.DENIED);
		return decision;
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
	 * Script calls made so far: fewer than {@link #decisions()} when coalescing joined
	 * concurrent decisions.
	 * @return the number of calls sent (or failed fast)
	 */
	public long scriptCalls() {
		return this.scriptCalls.sum();
	}

	/**
	 * Whether concurrent decisions for one subject and limit share one script call.
	 * @return whether this limiter coalesces
	 */
	public boolean coalesces() {
		return this.coalesce;
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

	/**
	 * A limit's script, arguments and key names, made once per named limit.
	 */
	@SuppressWarnings("rawtypes")
	private record Plan(String name, RateLimit limit, String code, RedisScript<List> script, boolean coalesced,
			byte[] permits, byte[] window, byte[] burst) {

	}

	/**
	 * A script's reply for a call, or why there is none: the slot is unavailable (the
	 * failure mode decides) or the call failed (each caller gets the error).
	 */
	private record Reply(long granted, long limit, long remaining, long retryMillis, long resetMillis,
			@Nullable OutageReason reason, @Nullable RuntimeException error) {

		static Reply unavailable(@Nullable OutageReason reason) {
			return new Reply(-1, 0, 0, 0, 0, reason, null);
		}

		static Reply failed(RuntimeException error) {
			return new Reply(0, 0, 0, 0, 0, null, error);
		}

		boolean unavailable() {
			return this.granted < 0;
		}

	}

	/** A caller's place in a lane: the batch it belongs to, and its index there. */
	private record Seat(LaneKey key, Lane lane, Batch batch, @Nullable Batch previous, int index) {

	}

	/** One script call's slot, keys and permits asked. */
	private record ScriptCall(int slot, List<byte[]> keys, byte[] permits) {

	}

	/** A subject under a limit: the callers that share a lane share script calls. */
	private record LaneKey(String limitName, String subject) {

	}

	/**
	 * The calls of one subject under one limit: the call in flight, and the batch that
	 * queues for the next. Guarded by its own monitor; retired (and left for a new lane)
	 * when it falls idle, so only subjects with a call in flight hold one.
	 */
	private static final class Lane {

		private @Nullable Batch current;

		private @Nullable Batch next;

		private boolean retired;

	}

	/** The callers of one script call, in order of arrival. */
	private static final class Batch {

		/** Guarded by the lane; fixed once the batch's call is sent. */
		private int size;

		private final CompletableFuture<Reply> reply = new CompletableFuture<>();

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
