package fingerprint

// Names of search filter types from before the filters shared the enum types of the event
// fields they filter. They are aliases, so code written against earlier versions keeps
// compiling and its values can be mixed freely with the new names.
type (
	// SearchEventsParamsSDKPlatform is the former type of SearchEventsParams.SDKPlatform.
	//
	// Deprecated: use SDKPlatform.
	SearchEventsParamsSDKPlatform = SDKPlatform
	// SearchEventsParamsIncrementalIdentificationStatus is the former type of
	// SearchEventsParams.IncrementalIdentificationStatus.
	//
	// Deprecated: use IncrementalIdentificationStatus.
	SearchEventsParamsIncrementalIdentificationStatus = IncrementalIdentificationStatus
	// SearchEventsParamsSource is the former element type of SearchEventsParams.Source.
	//
	// Deprecated: use EventSource.
	SearchEventsParamsSource = EventSource
)

// Former names of the search filter values.
const (
	// Deprecated: use SDKPlatformAndroid.
	SearchEventsParamsSDKPlatformAndroid = SDKPlatformAndroid
	// Deprecated: use SDKPlatformIOS.
	SearchEventsParamsSDKPlatformIOS = SDKPlatformIOS
	// Deprecated: use SDKPlatformJS.
	SearchEventsParamsSDKPlatformJS = SDKPlatformJS
	// Deprecated: use IncrementalIdentificationStatusCompleted.
	SearchEventsParamsIncrementalIdentificationStatusCompleted = IncrementalIdentificationStatusCompleted
	// Deprecated: use IncrementalIdentificationStatusPartiallyCompleted.
	SearchEventsParamsIncrementalIdentificationStatusPartiallyCompleted = IncrementalIdentificationStatusPartiallyCompleted
	// Deprecated: use EventSourceEdge.
	SearchEventsParamsSourceEdge = EventSourceEdge
)
