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

package dev.slotwise.autoconfigure.cache;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when some cache keeps a near cache: {@code slotwise.cache.near.enabled=true},
 * or {@code slotwise.cache.caches.<name>.near.enabled=true} for some cache.
 */
class OnNearCacheCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		if (binder.bind("slotwise.cache.near.enabled", Boolean.class).orElse(false)) {
			return ConditionOutcome.match("slotwise.cache.near.enabled is true");
		}
		Map<String, SlotwiseCacheProperties.CacheSpec> caches = binder
			.bind("slotwise.cache.caches", Bindable.mapOf(String.class, SlotwiseCacheProperties.CacheSpec.class))
			.orElse(Map.of());
		for (Map.Entry<String, SlotwiseCacheProperties.CacheSpec> cache : caches.entrySet()) {
			if (Boolean.TRUE.equals(cache.getValue().getNear().getEnabled())) {
				return ConditionOutcome.match("slotwise.cache.caches." + cache.getKey() + ".near.enabled is true");
			}
		}
		return ConditionOutcome.noMatch("no cache keeps a near cache");
	}

}
