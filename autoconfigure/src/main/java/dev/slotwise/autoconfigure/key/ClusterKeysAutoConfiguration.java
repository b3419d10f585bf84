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

package dev.slotwise.autoconfigure.key;

import dev.slotwise.key.ClusterKeys;
import dev.slotwise.key.HashTagKeyGenerator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of {@link ClusterKeys} and of the {@link HashTagKeyGenerator} for
 * {@code @Cacheable(keyGenerator = HashTagKeyGenerator.BEAN_NAME)}; an application bean
 * of that name replaces it.
 */
@AutoConfiguration
public final class ClusterKeysAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClusterKeys clusterKeys() {
		return new ClusterKeys();
	}

	@Bean(HashTagKeyGenerator.BEAN_NAME)
	@ConditionalOnMissingBean(name = HashTagKeyGenerator.BEAN_NAME)
	HashTagKeyGenerator slotwiseHashTagKeyGenerator() {
		return new HashTagKeyGenerator();
	}

}
