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

package dev.slotwise.autoconfigure.cluster;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.event.command.CommandListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Adds every {@link CommandListener} bean to the Lettuce client of each
 * {@link LettuceConnectionFactory}, right after the factory is initialized and before any
 * connection is opened (Lettuce attaches listeners when a connection is created). Boot
 * has no customizer for command listeners, hence this post-processor.
 */
class CommandListenerRegistrar implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(CommandListenerRegistrar.class);

	private final ObjectProvider<CommandListener> listeners;

	CommandListenerRegistrar(ObjectProvider<CommandListener> listeners) {
		this.listeners = listeners;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof LettuceConnectionFactory factory) {
			AbstractRedisClient client = factory.getNativeClient();
			if (client == null) {
				logger.warn("Connection factory '" + beanName + "' has no Lettuce client after initialization "
						+ "(early startup disabled?); Slotwise's command listeners (hot slots, CROSSSLOT "
						+ "counts) do not see its commands");
				return bean;
			}
			this.listeners.orderedStream().forEach(client::addListener);
			if (factory.getEagerInitialization()) {
				// The shared connection was opened without the listeners: open it again.
				factory.resetConnection();
			}
		}
		return bean;
	}

}
