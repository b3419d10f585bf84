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
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import dev.slotwise.cluster.SlotCall;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.support.LettuceCommands;
import dev.slotwise.support.ScriptRunner;
import io.github.resilience4j.core.IntervalFunction;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Sends held writes to Redis: one pipelined batch per call, a delete with {@code DEL}, a
 * put with a script that never overwrites newer data ({@code set_if_absent.lua},
 * {@code set_if_newer.lua}), a prefix delete with {@code delete_prefix.lua} on its slot's
 * master ({@link #deletePrefix}), on the keys' slots. Each outcome goes through the
 * failure protocol ({@link SlotGuard}): an answer clears its slot's mark, an outage marks
 * it. A slot whose replay met an outage backs off exponentially with jitter
 * (resilience4j's {@link IntervalFunction}) while other slots carry on; when its back-off
 * has passed, {@link #mayReplay(int)} lets one replay through as the slot's probe.
 *
 * <p>
 * Thread-safe.
 */
final class ReplaySender {

	private static final Log logger = LogFactory.getLog(ReplaySender.class);

	/**
	 * A versioned put: set unless the key holds a value at least as new. Each script is
	 * read once ({@link ScriptRunner#fixed}): Spring's script over a classpath resource
	 * opens the jar entry on every use to see whether it changed.
	 */
	private static final RedisScript<Long> SET_IF_NEWER = ScriptRunner
		.fixed(RedisScript.of(new ClassPathResource("META-INF/slotwise/scripts/set_if_newer.lua"), Long.class));

	/**
	 * A plain put or a fill: set if absent, and say whether a present value is the same.
	 */
	private static final RedisScript<Long> SET_IF_ABSENT = ScriptRunner
		.fixed(RedisScript.of(new ClassPathResource("META-INF/slotwise/scripts/set_if_absent.lua"), Long.class));

	/**
	 * A prefix delete: every key of the prefix's slot that starts with it, found with
	 * {@code CLUSTER GETKEYSINSLOT} and deleted in one atomic run.
	 */
	private static final RedisScript<Long> DELETE_PREFIX = ScriptRunner
		.fixed(RedisScript.of(new ClassPathResource("META-INF/slotwise/scripts/delete_prefix.lua"), Long.class));

	private final RedisConnectionFactory connectionFactory;

	private final ClusterKeys keys;

	private final SlotGuard guard;

	private final ScriptRunner scripts;

	private final IntervalFunction backoff;

	private final Clock clock;

	private final Map<Integer, Backoff> backoffs = new ConcurrentHashMap<>();

	ReplaySender(RedisConnectionFactory connectionFactory, ClusterKeys keys, SlotGuard guard,
			WriteBufferSettings settings, Clock clock) {
		this.connectionFactory = connectionFactory;
		this.keys = keys;
		this.guard = guard;
		this.scripts = new ScriptRunner(keys);
		this.backoff = IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(), 2.0, 0.5,
				settings.maxBackoff());
		this.clock = clock;
	}

	/**
	 * Whether a slot's writes may be replayed now: its back-off has passed and it does
	 * not fail fast. May hand the caller the slot's one probe, which the
	 * {@link #send(List) send} that follows resolves.
	 * @param slot the slot
	 * @return whether to replay it
	 */
	boolean mayReplay(int slot) {
		Backoff backoff = this.backoffs.get(slot);
		// Back-off first: failsFast may hand this replay the slot's one probe.
		return (backoff == null || backoff.notBefore <= this.clock.millis()) && !this.guard.failsFast(slot);
	}

	/**
	 * When the earliest back-off ends.
	 * @return epoch milliseconds, or {@code Long.MAX_VALUE} if no slot backs off
	 */
	long nextAttempt() {
		return this.backoffs.values().stream().mapToLong(Backoff::notBefore).min().orElse(Long.MAX_VALUE);
	}

	/**
	 * Send writes, pipelined, and wait for every reply (Lettuce's command timeout bounds
	 * the wait).
	 * @param batch the writes
	 * @return what became of each, in the batch's order
	 */
	List<Outcome> send(List<BufferedWrite> batch) {
		long now = this.clock.millis();
		List<CompletableFuture<Outcome>> replies = new ArrayList<>(batch.size());
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = LettuceCommands.async(connection);
			for (BufferedWrite write : batch) {
				replies.add(send(commands, write, now));
			}
		}
		catch (RuntimeException ex) {
			// No connection at all: every slot of the batch is unavailable.
			Map<Integer, SlotCall<?>> failed = new HashMap<>();
			List<Outcome> outcomes = new ArrayList<>(batch.size());
			for (BufferedWrite write : batch) {
				outcomes.add(failed(failed, write, ex));
			}
			return outcomes;
		}
		Map<Integer, SlotCall<?>> failed = new HashMap<>();
		List<Outcome> outcomes = new ArrayList<>(batch.size());
		for (int i = 0; i < batch.size(); i++) {
			BufferedWrite write = batch.get(i);
			try {
				Outcome outcome = replies.get(i).join();
				int slot = this.keys.slot(write.key());
				if (!failed.containsKey(slot)) {
					this.backoffs.remove(slot);
					this.guard.answered(slot);
				}
				outcomes.add(outcome);
			}
			catch (CompletionException ex) {
				outcomes.add(failed(failed, write, (ex.getCause() != null) ? ex.getCause() : ex));
			}
		}
		return outcomes;
	}

	/** Classify a failure; an outage backs its slot off, once per batch. */
	private Outcome failed(Map<Integer, SlotCall<?>> failed, BufferedWrite write, Throwable cause) {
		int slot = this.keys.slot(write.key());
		SlotCall<?> call = failed.get(slot);
		if (call == null || !call.unavailable()) {
			call = this.guard.failed(slot, cause);
			if (call.unavailable()) {
				failed.put(slot, call);
				backOff(slot, call);
			}
		}
		if (call.unavailable()) {
			return Outcome.UNAVAILABLE;
		}
		logger.warn("Redis refused a replayed write to a key in slot " + slot + ": " + cause.getMessage());
		return Outcome.REFUSED;
	}

	private void backOff(int slot, SlotCall<?> call) {
		Backoff previous = this.backoffs.get(slot);
		int attempts = (previous != null) ? previous.attempts + 1 : 1;
		this.backoffs.put(slot, new Backoff(attempts, this.clock.millis() + this.backoff.apply(attempts)));
		if (attempts == 1) {
			logger.info("Replay to slot " + slot + " failed (" + call.reason() + "); retrying with back-off");
		}
	}

	/**
	 * Delete every key that starts with a prefix, on the master of the prefix's slot.
	 *
	 * <p>
	 * A prefix that holds a hash tag has one slot, and so do all the keys that start with
	 * it: one script on that slot's master finds them with {@code CLUSTER GETKEYSINSLOT}
	 * and deletes them in batches of 500. The other choices cost more: a {@code SCAN}
	 * with {@code MATCH} walks the whole keyspace of the node (a third of the cluster's
	 * keys on three masters), and on every master when the slot's owner is not known;
	 * {@code GETKEYSINSLOT} walks only the keys of the one slot, about 1/16384 of the
	 * data, including other tags that hash to it, which the prefix test leaves alone. One
	 * atomic run also orders the delete against the writes that follow it on the same
	 * connection, and a concurrent put either lands before it (deleted) or after it
	 * (kept), never half. The run holds the master while it walks the slot's keys: 35 ms
	 * for a slot of 50,000 keys (a cluster of about 800 million) on a small machine.
	 * @param commands the native async commands to send it on
	 * @param prefix the prefix; it holds a hash tag
	 * @return how many keys were deleted
	 */
	CompletableFuture<Long> deletePrefix(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[] prefix) {
		byte[] slot = Integer.toString(this.keys.slot(prefix)).getBytes(StandardCharsets.US_ASCII);
		return this.scripts.run(commands, DELETE_PREFIX, List.of(prefix), slot);
	}

	private CompletableFuture<Outcome> send(RedisClusterAsyncCommands<byte[], byte[]> commands, BufferedWrite write,
			long now) {
		if (write.isPrefixDelete()) {
			return deletePrefix(commands, write.key()).thenApply((deleted) -> Outcome.APPLIED);
		}
		CompletableFuture<?> deleted = write.deleteFirst() ? commands.del(write.key()).toCompletableFuture()
				: CompletableFuture.completedFuture(null);
		byte[] value = write.value();
		if (value == null) {
			return deleted.thenApply((ignored) -> Outcome.APPLIED);
		}
		byte[] ttl = Long.toString(write.ttlAt(now)).getBytes(StandardCharsets.US_ASCII);
		CompletableFuture<Outcome> set = switch (write.kind()) {
			case VERSIONED_PUT -> this.scripts.run(commands, SET_IF_NEWER, List.of(write.key()), value, ttl)
				.thenApply((reply) -> switch (reply.intValue()) {
					// 2: the original write reached Redis although the client stopped
					// waiting for it.
					case 1, 2 -> Outcome.APPLIED;
					case 0 -> Outcome.SUPERSEDED;
					default -> Outcome.KEY_EXISTS;
				});
			case PUT, FILL -> this.scripts.run(commands, SET_IF_ABSENT, List.of(write.key()), value, ttl)
				.thenApply((reply) -> switch (reply.intValue()) {
					// 2: the original write reached Redis although the client saw it
					// fail.
					case 1, 2 -> Outcome.APPLIED;
					// A fill asks for nothing more than this.
					default -> write.isFill() ? Outcome.FILLED_ALREADY : Outcome.KEY_EXISTS;
				});
			case DELETE, DELETE_PREFIX -> throw new IllegalStateException("A delete has no value");
		};
		return deleted.thenCombine(set, (ignored, outcome) -> outcome);
	}

	/** What a replayed write did. */
	enum Outcome {

		/** Written to Redis. */
		APPLIED,

		/** A newer versioned value was there and was kept: last writer wins. */
		SUPERSEDED,

		/** A value that cannot be ordered against the write was there and was kept. */
		KEY_EXISTS,

		/** A fill found the key holding a value: nothing to do. */
		FILLED_ALREADY,

		/** The slot could not be served: the write stays held for a later try. */
		UNAVAILABLE,

		/** Redis refused the command itself: the write is dropped. */
		REFUSED

	}

	private record Backoff(int attempts, long notBefore) {
	}

}
