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
package dev.slotwise.autoconfigure.hotslot;

import dev.slotwise.hotslot.HotSlotDetector;
import io.lettuce.core.AbstractRedisClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Registers the detector's command listener with the Lettuce client of every
 * {@link LettuceConnectionFactory} once the factory is initialized. Spring Data creates
 * the client when the factory starts (during initialization by default) and opens
 * connections lazily; Lettuce decides per connection whether to notify listeners, so the
 * listener must be there before the first connection. A factory that opened its shared
 * connection eagerly has it reset, so the next one is opened with the listener. A factory
 * stopped and started again gets a new client without the listener (not handled).
 */
class HotSlotListenerRegistrar implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(HotSlotListenerRegistrar.class);

	private final ObjectProvider<HotSlotDetector> detector;

	HotSlotListenerRegistrar(ObjectProvider<HotSlotDetector> detector) {
		this.detector = detector;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof LettuceConnectionFactory factory) {
			HotSlotDetector detector = this.detector.getIfAvailable();
			AbstractRedisClient client = factory.getNativeClient();
			if (detector == null) {
				return bean;
			}
			if (client == null) {
				logger.warn("Connection factory '" + beanName + "' has no Lettuce client after initialization "
						+ "(early startup disabled?); hot-slot detection does not see its commands");
				return bean;
			}
			client.addListener(detector.commandListener());
			if (factory.getEagerInitialization()) {
				factory.resetConnection();
			}
		}
		return bean;
	}

}
