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

package dev.slotwise.support;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.slotwise.key.ClusterKeys;
import dev.slotwise.key.CrossSlotException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * Runs Lua scripts on a Redis Cluster without waiting: {@code EVALSHA} with the SHA-1
 * Spring's {@link RedisScript} computes ({@link RedisScript#getSha1()}), and {@code EVAL}
 * of its source when a node answers {@code NOSCRIPT} (a new master after a failover, a
 * node restarted, {@code SCRIPT FLUSH}). The keys of one run must share a slot: a run
 * whose keys span slots fails with a {@link CrossSlotException} naming each key and its
 * slot before anything is sent.
 *
 * <p>
 * The one way Slotwise runs scripts: the write buffer's replay pipelines its runs and
 * awaits them together, the rate limiter awaits each. A script's reply is Lettuce's for
 * the script's result type: {@link Long} for {@code Long} and {@code Boolean} scripts
 * ({@link Boolean} for the latter), {@code List<Object>} for {@code List}, {@code byte[]}
 * otherwise.
 */
public final class ScriptRunner {

	private final ClusterKeys keys;

	/**
	 * Create a runner.
	 * @param keys slot computation, for the same-slot check
	 */
	public ScriptRunner(ClusterKeys keys) {
		this.keys = Objects.requireNonNull(keys, "keys must not be null");
	}

	/**
	 * Run a script.
	 * @param <T> the script's result type
	 * @param commands the native async commands to send it on
	 * ({@link LettuceCommands#async})
	 * @param script the script
	 * @param keys its keys, all in one slot
	 * @param args its arguments
	 * @return the reply, completed on Lettuce's I/O thread; failed with Lettuce's
	 * exception when the node cannot answer or the script fails
	 * @throws CrossSlotException if the keys span slots
	 */
	public <T> CompletableFuture<T> run(RedisClusterAsyncCommands<byte[], byte[]> commands, RedisScript<T> script,
			List<byte[]> keys, byte[]... args) {
		this.keys.requireSameSlotBinary("Script " + script.getSha1(), keys);
		byte[][] keyArray = keys.toArray(byte[][]::new);
		ScriptOutputType type = outputType(script.getResultType());
		return commands.<T>evalsha(script.getSha1(), type, keyArray, args)
			.toCompletableFuture()
			.exceptionallyCompose((failure) -> {
				Throwable cause = unwrap(failure);
				if (String.valueOf(cause.getMessage()).startsWith("NOSCRIPT")) {
					return commands.<T>eval(script.getScriptAsString(), type, keyArray, args).toCompletableFuture();
				}
				return CompletableFuture.failedFuture(cause);
			});
	}

	/**
	 * A copy of a script whose SHA-1 and source are read once, now. Spring's
	 * {@code DefaultRedisScript} over a resource asks the resource whether it changed on
	 * every {@link RedisScript#getSha1()}, under a lock: for a script in a jar that opens
	 * the jar entry on every run and lines up concurrent callers (measured with JDK
	 * Flight Recorder: two fifths of the rate limiter's own time). A caller that runs a
	 * script on the request path runs its fixed copy; a later change of the resource is
	 * not seen.
	 * @param <T> the script's result type
	 * @param script the script
	 * @return a script with the same SHA-1, source and result type that reads nothing
	 */
	public static <T> RedisScript<T> fixed(RedisScript<T> script) {
		Objects.requireNonNull(script, "script must not be null");
		if (script instanceof FixedScript<T>) {
			return script;
		}
		return new FixedScript<>(script.getSha1(), script.getScriptAsString(), script.getResultType(),
				script.returnsRawValue());
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	private static ScriptOutputType outputType(@Nullable Class<?> resultType) {
		if (resultType == null) {
			return ScriptOutputType.STATUS;
		}
		if (resultType == Long.class || resultType == Integer.class) {
			return ScriptOutputType.INTEGER;
		}
		if (resultType == Boolean.class) {
			return ScriptOutputType.BOOLEAN;
		}
		if (List.class.isAssignableFrom(resultType)) {
			return ScriptOutputType.MULTI;
		}
		return ScriptOutputType.VALUE;
	}

	/** A script read once: {@link #fixed(RedisScript)}. */
	private record FixedScript<T>(String sha1, String source, @Nullable Class<T> resultType,
			boolean rawValue) implements RedisScript<T> {

		@Override
		public String getSha1() {
			return this.sha1;
		}

		@Override
		public @Nullable Class<T> getResultType() {
			return this.resultType;
		}

		@Override
		public String getScriptAsString() {
			return this.source;
		}

		@Override
		public boolean returnsRawValue() {
			return this.rawValue;
		}

	}

}
