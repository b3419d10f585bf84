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
package dev.slotwise.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Checks of property values shared by Slotwise's auto-configurations: a bad value stops
 * the start with a message that names the property, the value and the fix.
 */
public final class PropertyChecks {

	private PropertyChecks() {
	}

	/**
	 * Require a positive duration.
	 * @param name the property's name
	 * @param value its value
	 * @return the value
	 * @throws InvalidConfigurationPropertyValueException if the value is zero or negative
	 */
	public static Duration positive(String name, Duration value) {
		if (value.isZero() || value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(name, value, "It must be a positive duration.");
		}
		return value;
	}

}
