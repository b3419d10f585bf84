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

package dev.slotwise.key;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.script.DefaultScriptExecutor;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.core.script.ScriptExecutor;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * A {@link ScriptExecutor} that checks a Lua script's {@code KEYS} share one slot before
 * sending it, then runs it with Spring Data's {@link DefaultScriptExecutor} (EVALSHA,
 * falling back to EVAL when the node answers NOSCRIPT).
 *
 * <p>
 * Redis Cluster rejects a script whose keys span slots with a CROSSSLOT error only after
 * the round trip, and only on the node that happens to receive it; this executor fails at
 * once with a {@link CrossSlotException} that names every key and its slot. Install it
 * with {@code template.setScriptExecutor(new SameSlotScriptExecutor<>(template, keys))}.
 *
 * @param <K> the template's key type
 */
public class SameSlotScriptExecutor<K> implements ScriptExecutor<K> {

	private final RedisTemplate<K, ?> template;

	private final ScriptExecutor<K> delegate;

	private final ClusterKeys clusterKeys;

	/**
	 * Create an executor for a template.
	 * @param template the template whose key serializer turns keys into bytes
	 * @param clusterKeys slot computation
	 */
	public SameSlotScriptExecutor(RedisTemplate<K, ?> template, ClusterKeys clusterKeys) {
		this.template = template;
		this.delegate = new DefaultScriptExecutor<>(template);
		this.clusterKeys = clusterKeys;
	}

	@Override
	public <T> @Nullable T execute(RedisScript<T> script, List<K> keys, Object... args) {
		requireSameSlot(script, keys);
		return this.delegate.execute(script, keys, args);
	}

	@Override
	public <T> @Nullable T execute(RedisScript<T> script, RedisSerializer<?> argsSerializer,
			RedisSerializer<T> resultSerializer, List<K> keys, Object... args) {
		requireSameSlot(script, keys);
		return this.delegate.execute(script, argsSerializer, resultSerializer, keys, args);
	}

	@SuppressWarnings("unchecked")
	private void requireSameSlot(RedisScript<?> script, List<K> keys) {
		if (keys.size() < 2) {
			return;
		}
		RedisSerializer<K> serializer = (RedisSerializer<K>) this.template.getKeySerializer();
		List<byte[]> raw = new ArrayList<>(keys.size());
		for (K key : keys) {
			raw.add((serializer != null) ? serializer.serialize(key) : (byte[]) key);
		}
		this.clusterKeys.requireSameSlotBinary("Lua script " + script.getSha1(), raw);
	}

}
